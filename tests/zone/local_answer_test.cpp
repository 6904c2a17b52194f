// Local answers on the wire: header flags, the client's question bytes, sections decoded back
// with wire::decode_message, negative-answer SOA TTLs, OPT, truncation, and the split writing
// that cname_external needs.
#include "residns/zone/local_answer.hpp"

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "local_test_util.hpp"
#include "residns/wire/response.hpp"

namespace residns::zone {
namespace {

using test::client_query;
using test::dns_name;
using test::lines_of;
using test::make_query;
using test::write_and_decode;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
namespace t = wire::rr_type;
namespace flag = wire::header_flag;

local_sources answer_sources() {
    local_sources s;
    s.zones.push_back(test::make_zone("example.com.", "db.example.com",
                                      {
                                          "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300",
                                          "@ 3600 IN NS ns1",
                                          "@ 3600 IN MX 10 mail",
                                          "ns1 3600 IN A 192.0.2.53",
                                          "mail 3600 IN A 192.0.2.25",
                                          "www 300 IN A 192.0.2.1",
                                          "alias 600 IN CNAME www",
                                          "ext 600 IN CNAME www.upstream.test.",
                                          "*.wild 120 IN TXT \"wild\"",
                                          "sub 3600 IN NS ns.sub",
                                          "ns.sub 3600 IN A 192.0.2.99",
                                      }));
    s.zones.push_back(test::make_zone("short.test.", "db.short",
                                      {"@ 60 IN SOA ns hm 1 7200 3600 1209600 300",
                                       "@ 60 IN NS ns.example.com.", "www 60 IN A 192.0.2.7"}));
    s.local_records.push_back(test::local_record("printer.lan. 60 IN A 192.168.1.5", "hosts", 1));
    return s;
}

class LocalAnswer : public ::testing::Test {
protected:
    LocalAnswer() : data_(test::build_ok(answer_sources())) {}

    local_result lookup(const client_query& q) const {
        return data_->lookup(q.qname(), q.view.question.qtype, q.view.question.qclass);
    }

    std::shared_ptr<const local_data> data_;
};

TEST_F(LocalAnswer, HeaderCarriesTheClientsIdFlagsAndQuestionBytes) {
    auto q = make_query("WwW.ExAmPlE.CoM.", t::a, {.flags = flag::rd | flag::cd});
    auto a = write_and_decode(lookup(q), q);
    EXPECT_EQ(a.msg.hdr.id, 0xBEEF);
    EXPECT_TRUE(a.msg.hdr.qr());
    EXPECT_TRUE(a.msg.hdr.aa());
    EXPECT_TRUE(a.msg.hdr.rd());
    EXPECT_TRUE(a.msg.hdr.ra());
    EXPECT_TRUE(a.msg.hdr.cd());
    EXPECT_FALSE(a.msg.hdr.tc());
    EXPECT_EQ(a.msg.hdr.rcode_low(), 0);
    // The question is the client's, byte for byte (0x20 case kept).
    const auto end = q.view.question.end_offset;
    ASSERT_GE(a.bytes.size(), end);
    EXPECT_TRUE(std::equal(q.packet.begin() + 12, q.packet.begin() + end, a.bytes.begin() + 12));
    EXPECT_THAT(lines_of(a.msg.answers), ElementsAre("www.example.com. 300 IN A 192.0.2.1"));
    EXPECT_FALSE(a.msg.edns.has_value());
}

TEST_F(LocalAnswer, RdClearStaysClear) {
    auto q = make_query("www.example.com.", t::a, {.flags = 0});
    auto a = write_and_decode(lookup(q), q);
    EXPECT_FALSE(a.msg.hdr.rd());
    EXPECT_TRUE(a.msg.hdr.aa());
}

TEST_F(LocalAnswer, CnameChainAndFinalRRsetInOrder) {
    auto q = make_query("alias.example.com.", t::a);
    auto a = write_and_decode(lookup(q), q);
    EXPECT_THAT(lines_of(a.msg.answers),
                ElementsAre("alias.example.com. 600 IN CNAME www.example.com.",
                            "www.example.com. 300 IN A 192.0.2.1"));
}

TEST_F(LocalAnswer, NxdomainHasTheSoaWithTtlMinOfTtlAndMinimum) {
    auto q = make_query("nope.example.com.", t::a);
    auto a = write_and_decode(lookup(q), q);
    EXPECT_EQ(a.msg.hdr.rcode_low(), static_cast<unsigned>(wire::rcode::nxdomain));
    EXPECT_TRUE(a.msg.hdr.aa());
    EXPECT_THAT(a.msg.answers, IsEmpty());
    EXPECT_THAT(lines_of(a.msg.authorities),
                ElementsAre("example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. "
                            "1 7200 3600 1209600 300"));
}

TEST_F(LocalAnswer, NodataSoaTtlIsTheSoaTtlWhenThatIsLower) {
    auto q = make_query("www.short.test.", t::aaaa);
    auto a = write_and_decode(lookup(q), q);
    EXPECT_EQ(a.msg.hdr.rcode_low(), 0);
    EXPECT_THAT(a.msg.answers, IsEmpty());
    ASSERT_EQ(a.msg.authorities.size(), 1u);
    EXPECT_EQ(a.msg.authorities[0].type, t::soa);
    EXPECT_EQ(a.msg.authorities[0].ttl, 60u);
}

TEST_F(LocalAnswer, TransparentNodataHasNoAuthority) {
    auto q = make_query("printer.lan.", t::aaaa);
    auto a = write_and_decode(lookup(q), q);
    EXPECT_TRUE(a.msg.hdr.aa());
    EXPECT_EQ(a.msg.hdr.rcode_low(), 0);
    EXPECT_THAT(a.msg.answers, IsEmpty());
    EXPECT_THAT(a.msg.authorities, IsEmpty());
}

TEST_F(LocalAnswer, ReferralIsNotAuthoritativeAndCarriesGlue) {
    auto q = make_query("host.sub.example.com.", t::a);
    auto a = write_and_decode(lookup(q), q);
    EXPECT_FALSE(a.msg.hdr.aa());
    EXPECT_EQ(a.msg.hdr.rcode_low(), 0);
    EXPECT_THAT(a.msg.answers, IsEmpty());
    EXPECT_THAT(lines_of(a.msg.authorities),
                ElementsAre("sub.example.com. 3600 IN NS ns.sub.example.com."));
    EXPECT_THAT(lines_of(a.msg.additionals),
                ElementsAre("ns.sub.example.com. 3600 IN A 192.0.2.99"));
}

TEST_F(LocalAnswer, MxAnswerHasTheTargetsAddressInAdditional) {
    auto q = make_query("example.com.", t::mx);
    auto a = write_and_decode(lookup(q), q);
    EXPECT_THAT(lines_of(a.msg.answers),
                ElementsAre("example.com. 3600 IN MX 10 mail.example.com."));
    EXPECT_THAT(lines_of(a.msg.additionals), ElementsAre("mail.example.com. 3600 IN A 192.0.2.25"));
}

TEST_F(LocalAnswer, NamesInMxRdataAreCompressed) {
    auto q = make_query("example.com.", t::mx);
    auto r = lookup(q);
    std::vector<std::uint8_t> out(512);
    const std::size_t n = write_local_answer(r, q.packet, q.view, 512, 1232, out);
    // header 12 + question 17; MX: owner pointer 2 + 10 + pref 2 + "mail" label 5 + pointer 2;
    // A: owner pointer 2 + 10 + 4.
    EXPECT_EQ(n, 12u + 17u + (2 + 10 + 2 + 5 + 2) + (2 + 10 + 4));
}

TEST_F(LocalAnswer, WildcardAnswerOwnerIsTheQueriedName) {
    auto q = make_query("Some.Wild.example.com.", t::txt);
    auto a = write_and_decode(lookup(q), q);
    ASSERT_EQ(a.msg.answers.size(), 1u);
    EXPECT_EQ(a.msg.answers[0].owner, dns_name("some.wild.example.com."));
    EXPECT_EQ(a.msg.answers[0].owner.wire()[1], 'S');
    EXPECT_EQ(a.msg.answers[0].ttl, 120u);
}

TEST_F(LocalAnswer, OptIsPresentOnlyWhenTheClientSentOne) {
    auto plain = make_query("www.example.com.", t::a);
    EXPECT_FALSE(write_and_decode(lookup(plain), plain).msg.edns.has_value());

    auto with = make_query("www.example.com.", t::a, {.edns = true, .dnssec_ok = true});
    auto a = write_and_decode(lookup(with), with, 4096, 1400);
    ASSERT_TRUE(a.msg.edns.has_value());
    EXPECT_EQ(a.msg.edns->udp_size, 1400);
    EXPECT_TRUE(a.msg.edns->dnssec_ok());
    EXPECT_TRUE(a.msg.edns->options.empty());

    auto without_do = make_query("nope.example.com.", t::a, {.edns = true});
    auto n = write_and_decode(lookup(without_do), without_do, 4096, 1232);
    ASSERT_TRUE(n.msg.edns.has_value());
    EXPECT_FALSE(n.msg.edns->dnssec_ok());
    EXPECT_EQ(n.msg.hdr.rcode_low(), static_cast<unsigned>(wire::rcode::nxdomain));
}

// A zone with an RRset too large for 512 bytes, and one whose additional part is.
local_sources big_sources() {
    local_sources s;
    zone_source z =
        test::make_zone("big.test.", "db.big",
                        {"@ 60 IN SOA ns hm 1 7200 3600 1209600 300", "@ 60 IN NS ns",
                         "ns 60 IN A 192.0.2.1", "small 60 IN CNAME many", "mx 60 IN MX 10 many"});
    for (int i = 0; i < 40; ++i) {
        z.records.push_back(test::parse_line("many 60 IN A 10.0.0." + std::to_string(i + 1), z.apex,
                                             "db.big", z.records.size() + 1));
    }
    s.zones.push_back(z);
    return s;
}

TEST(LocalAnswerTruncation, AnRRsetThatDoesNotFitEndsTheAnswerWithTc) {
    auto data = test::build_ok(big_sources());
    auto q = make_query("small.big.test.", t::a, {.edns = true, .udp_size = 512});
    auto r = data->lookup(q.qname(), t::a, wire::rr_class::in);
    ASSERT_EQ(r.answer_count, 2);
    const std::size_t limit = wire::udp_answer_limit(q.view, 1232);
    EXPECT_EQ(limit, 512u);
    auto a = write_and_decode(r, q, limit);
    EXPECT_LE(a.bytes.size(), 512u);
    EXPECT_TRUE(a.msg.hdr.tc());
    // The CNAME fitted; the 40 A records (40 * 16 bytes) did not, and none of them is sent.
    EXPECT_THAT(lines_of(a.msg.answers), ElementsAre("small.big.test. 60 IN CNAME many.big.test."));
    EXPECT_TRUE(a.msg.edns.has_value());  // room for the OPT is always kept

    // Over TCP everything fits.
    auto full = write_and_decode(r, q, 65535);
    EXPECT_FALSE(full.msg.hdr.tc());
    EXPECT_EQ(full.msg.answers.size(), 41u);
}

TEST(LocalAnswerTruncation, AdditionalRecordsAreDroppedSilently) {
    auto data = test::build_ok(big_sources());
    auto q = make_query("mx.big.test.", t::mx);
    auto r = data->lookup(q.qname(), t::mx, wire::rr_class::in);
    ASSERT_EQ(r.additional_count, 1);
    auto a = write_and_decode(r, q, 512);
    EXPECT_FALSE(a.msg.hdr.tc());
    EXPECT_EQ(a.msg.answers.size(), 1u);
    EXPECT_THAT(a.msg.additionals, IsEmpty());
    auto full = write_and_decode(r, q, 65535);
    EXPECT_EQ(full.msg.additionals.size(), 40u);
}

TEST(LocalAnswerTruncation, TooSmallForTheQuestionWritesNothing) {
    auto data = test::build_ok(big_sources());
    auto q = make_query("mx.big.test.", t::mx, {.edns = true});
    auto r = data->lookup(q.qname(), t::mx, wire::rr_class::in);
    std::vector<std::uint8_t> out(30);
    EXPECT_EQ(write_local_answer(r, q.packet, q.view, 512, 1232, out), 0u);
}

TEST_F(LocalAnswer, CnameExternalChainIsWrittenForTheServerToAppendTo) {
    auto q = make_query("ext.example.com.", t::a, {.edns = true});
    auto r = lookup(q);
    ASSERT_EQ(r.status, local_status::cname_external);
    std::vector<std::uint8_t> out(1232);
    wire::message_builder b(out, out.size());
    ASSERT_TRUE(start_local_answer(b, r, q.packet, q.view));
    ASSERT_TRUE(append_local_answers(b, r, out.size() - wire::opt_record_size));
    // What the server would append: the upstream's answer for the external name.
    ASSERT_TRUE(
        b.begin_record(wire::section::answer, r.external_name, t::a, wire::rr_class::in, 42));
    ASSERT_TRUE(b.put_bytes(std::array<std::uint8_t, 4>{203, 0, 113, 9}));
    ASSERT_TRUE(b.end_record());
    ASSERT_TRUE(add_client_opt(b, q.view, 1232));
    out.resize(b.finish());
    wire::message m;
    ASSERT_EQ(wire::decode_message(out, m), wire::parse_error::none);
    EXPECT_FALSE(m.hdr.aa());
    EXPECT_TRUE(m.hdr.rd());
    EXPECT_THAT(test::lines_of(m.answers),
                ElementsAre("ext.example.com. 600 IN CNAME www.upstream.test.",
                            "www.upstream.test. 42 IN A 203.0.113.9"));
    EXPECT_TRUE(m.edns.has_value());
}

TEST_F(LocalAnswer, CnameExternalAnsweredAloneIsTheAuthoritativeChain) {
    // What the server sends when it may not recurse (RD=0): the chain as far as it goes.
    auto q = make_query("ext.example.com.", t::a, {.flags = 0});
    auto a = write_and_decode(lookup(q), q);
    EXPECT_TRUE(a.msg.hdr.aa());
    EXPECT_EQ(a.msg.hdr.rcode_low(), 0);
    EXPECT_THAT(lines_of(a.msg.answers),
                ElementsAre("ext.example.com. 600 IN CNAME www.upstream.test."));
}

TEST_F(LocalAnswer, NotLocalWritesNothing) {
    auto q = make_query("www.example.net.", t::a);
    auto r = lookup(q);
    ASSERT_EQ(r.status, local_status::not_local);
    std::vector<std::uint8_t> out(512);
    EXPECT_EQ(write_local_answer(r, q.packet, q.view, 512, 1232, out), 0u);
}

TEST_F(LocalAnswer, AnyAnswersEveryRRset) {
    auto q = make_query("example.com.", t::any);
    auto a = write_and_decode(lookup(q), q);
    std::vector<std::uint16_t> types;
    for (const auto& rr : a.msg.answers)
        types.push_back(rr.type);
    EXPECT_THAT(types, ElementsAre(t::soa, t::ns, t::mx));
}

}  // namespace
}  // namespace residns::zone
