// DNAME (RFC 6672) in local zones: a name below a DNAME's owner is answered with the DNAME, a
// CNAME synthesised from it (the name asked for, its suffix replaced by the DNAME's target), and
// whatever that target resolves to; the DNAME's owner itself is not rewritten.
#include <gtest/gtest.h>

#include "local_test_util.hpp"

namespace residns::zone::test {
namespace {

class LocalDnameTest : public ::testing::Test {
protected:
    void SetUp() override {
        local_sources sources;
        sources.zones.push_back(
            make_zone("lan.", "lan.zone",
                      {"@ 3600 IN SOA ns hostmaster 1 3600 900 604800 300", "@ 3600 IN NS ns",
                       "ns 3600 IN A 192.168.1.1", "old 600 IN DNAME new.lan.",
                       "www.new 300 IN A 192.168.1.5", "corp 600 IN DNAME corp.example.com."}));
        data_ = build_ok(sources);
        ASSERT_TRUE(data_);
    }

    local_result lookup(const client_query& q) const {
        return data_->lookup(q.qname(), q.view.question.qtype, q.view.question.qclass);
    }

    std::shared_ptr<const local_data> data_;
};

TEST_F(LocalDnameTest, NameBelowTheOwnerIsRewrittenAndFollowedInsideTheZone) {
    const auto q = make_query("WWW.old.lan.", wire::rr_type::a);
    const auto r = lookup(q);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_EQ(sets_of(r.answers()),
              (std::vector<std::string>{"old.lan. DNAME 1", "www.old.lan. CNAME 1 (synthesized)",
                                        "www.new.lan. A 1"}));
    const auto a = write_and_decode(r, q);
    EXPECT_TRUE(a.msg.hdr.aa());
    EXPECT_EQ(lines_of(a.msg.answers),
              (std::vector<std::string>{"old.lan. 600 IN DNAME new.lan.",
                                        "www.old.lan. 600 IN CNAME WWW.new.lan.",
                                        "www.new.lan. 300 IN A 192.168.1.5"}));
}

TEST_F(LocalDnameTest, RewrittenNameThatDoesNotExistIsNxdomainAfterTheChain) {
    const auto r = lookup(make_query("nothere.old.lan.", wire::rr_type::a));
    EXPECT_EQ(r.status, local_status::nxdomain);
    EXPECT_EQ(r.answer_count, 2);
    ASSERT_EQ(r.authority_count, 1);
    EXPECT_EQ(r.authority[0].type(), wire::rr_type::soa);
}

TEST_F(LocalDnameTest, DnameToAnotherDomainLeavesLocalDataWithTheRewrittenName) {
    const auto r = lookup(make_query("a.b.corp.lan.", wire::rr_type::aaaa));
    EXPECT_EQ(r.status, local_status::cname_external);
    EXPECT_EQ(wire::name::from_wire(r.external_name)->to_text(), "a.b.corp.example.com.");
    EXPECT_EQ(r.answer_count, 2);
}

TEST_F(LocalDnameTest, TheOwnerItselfIsNotRewritten) {
    EXPECT_EQ(lookup(make_query("old.lan.", wire::rr_type::a)).status, local_status::nodata);
    const auto r = lookup(make_query("old.lan.", wire::rr_type::dname));
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_EQ(sets_of(r.answers()), (std::vector<std::string>{"old.lan. DNAME 1"}));
}

TEST_F(LocalDnameTest, RewriteLongerThan255OctetsStopsAfterTheDname) {
    // 10 labels of 23 letters (240 octets) above corp.lan. (10 octets) make a 250-octet name;
    // with corp.example.com. (18 octets) instead it would be 258.
    std::string deep;
    for (int i = 0; i < 10; ++i)
        deep += std::string(23, 'x') + ".";
    deep += "corp.lan.";
    const auto r = lookup(make_query(deep, wire::rr_type::a));
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.chain_stopped);
    EXPECT_EQ(sets_of(r.answers()), (std::vector<std::string>{"corp.lan. DNAME 1"}));
}

}  // namespace
}  // namespace residns::zone::test
