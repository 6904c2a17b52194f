// local_data lookups: which RRsets go into which section, and the status, for every rule of
// authoritative answering (RFC 1034 4.3.2, RFC 2308, RFC 4592) and for transparent names.
#include "residns/zone/local_data.hpp"

#include <deque>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "local_test_util.hpp"

namespace residns::zone {
namespace {

using test::dns_name;
using test::sets_of;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
namespace t = wire::rr_type;

local_sources example_sources() {
    local_sources s;
    s.zones.push_back(
        test::make_zone("example.com.", "db.example.com",
                        {
                            "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300",  // line 1
                            "@ 3600 IN NS ns1",
                            "@ 3600 IN NS ns2.elsewhere.test.",
                            "@ 3600 IN MX 10 mail",
                            "ns1 IN A 192.0.2.53",  // line 5
                            "mail IN A 192.0.2.25",
                            "mail IN AAAA 2001:db8::25",
                            "www 300 IN A 192.0.2.1",
                            "www 300 IN A 192.0.2.2",
                            "alias IN CNAME www",  // line 10
                            "chain1 IN CNAME chain2",
                            "chain2 IN CNAME chain3",
                            "chain3 IN CNAME www",
                            "ext IN CNAME www.upstream.test.",
                            "loop1 IN CNAME loop2",  // line 15
                            "loop2 IN CNAME loop1",
                            "a.b.c IN A 192.0.2.3",
                            "*.wild IN A 192.0.2.4",
                            "*.wild IN TXT \"wild\"",
                            "exists.wild IN TXT \"here\"",  // line 20
                            "x.ent.wild IN A 192.0.2.5",
                            "*.wc IN CNAME www",
                            "sub IN NS ns.sub",
                            "sub IN NS ns.elsewhere.test.",
                            "sub IN DS 12345 8 2 0123456789abcdef",  // line 25
                            "ns.sub IN A 192.0.2.99",
                            "_sip._tcp IN SRV 0 5 5060 mail",
                            "other IN CNAME www.example.org.",
                            "dead IN CNAME nothing",
                            "printer-alias IN CNAME printer.lan.",  // line 30
                            "deleg-alias IN CNAME host.sub",
                        }));
    s.zones.push_back(test::make_zone("example.org.", "db.example.org",
                                      {
                                          "@ 60 IN SOA ns hostmaster 1 7200 3600 1209600 300",
                                          "@ 60 IN NS ns.example.com.",
                                          "www IN A 198.51.100.1",
                                          "back IN CNAME alias.example.com.",
                                      }));
    s.local_records.push_back(
        test::local_record("printer.lan. 60 IN A 192.168.1.5", "/etc/hosts", 3));
    s.local_records.push_back(
        test::local_record("merged.example.com. 60 IN A 192.0.2.77", "/etc/hosts", 4));
    return s;
}

class LocalData : public ::testing::Test {
protected:
    LocalData() : data_(test::build_ok(example_sources())) {}

    local_result lookup(std::string_view qname, std::uint16_t qtype,
                        std::uint16_t qclass = wire::rr_class::in) {
        names_.push_back(dns_name(qname));
        return data_->lookup(names_.back().wire(), qtype, qclass);
    }

    std::shared_ptr<const local_data> data_;
    std::deque<wire::name> names_;  // lookups refer to the name asked; keep them alive
};

TEST_F(LocalData, ExactMatchIsAnAuthoritativeAnswer) {
    auto r = lookup("www.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.authoritative());
    EXPECT_EQ(r.zone, 0u);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("www.example.com. A 2"));
    EXPECT_THAT(sets_of(r.authorities()), IsEmpty());
    EXPECT_EQ(r.answer[0].ttl(), 300u);
}

TEST_F(LocalData, LookupIgnoresCase) {
    auto r = lookup("WwW.ExAmPlE.CoM.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("www.example.com. A 2"));
}

TEST_F(LocalData, CnameInZoneIsFollowed) {
    auto r = lookup("alias.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("alias.example.com. CNAME 1", "www.example.com. A 2"));
}

TEST_F(LocalData, QtypeCnameIsAnsweredWithoutFollowing) {
    auto r = lookup("alias.example.com.", t::cname);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("alias.example.com. CNAME 1"));
}

TEST_F(LocalData, CnameChainOfThreeIsFollowed) {
    auto r = lookup("chain1.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("chain1.example.com. CNAME 1", "chain2.example.com. CNAME 1",
                            "chain3.example.com. CNAME 1", "www.example.com. A 2"));
}

TEST_F(LocalData, CnameChainCrossesLocalZones) {
    auto r = lookup("back.example.org.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.authoritative());
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("back.example.org. CNAME 1", "alias.example.com. CNAME 1",
                            "www.example.com. A 2"));
    auto other = lookup("other.example.com.", t::a);
    EXPECT_THAT(sets_of(other.answers()),
                ElementsAre("other.example.com. CNAME 1", "www.example.org. A 1"));
    EXPECT_EQ(other.zone, 1u);  // where the final RRset was found
}

TEST_F(LocalData, CnameIntoTransparentNameIsFollowed) {
    auto r = lookup("printer-alias.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("printer-alias.example.com. CNAME 1", "printer.lan. A 1"));
}

TEST_F(LocalData, CnameLeavingLocalDataIsExternalWithTheChain) {
    auto r = lookup("ext.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::cname_external);
    EXPECT_TRUE(r.authoritative());  // the chain itself is ours
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("ext.example.com. CNAME 1"));
    auto external = wire::name::from_wire(r.external_name);
    ASSERT_TRUE(external.has_value());
    EXPECT_EQ(*external, dns_name("www.upstream.test."));
}

TEST_F(LocalData, CnameIntoADelegationIsExternal) {
    auto r = lookup("deleg-alias.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::cname_external);
    EXPECT_EQ(*wire::name::from_wire(r.external_name), dns_name("host.sub.example.com."));
}

TEST_F(LocalData, CnameLoopStopsWithTheChainSoFar) {
    auto r = lookup("loop1.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_EQ(r.rcode(), wire::rcode::noerror);
    EXPECT_TRUE(r.chain_stopped);
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("loop1.example.com. CNAME 1", "loop2.example.com. CNAME 1"));
}

TEST(LocalDataChain, LongChainStopsAtTheHopBound) {
    local_sources s;
    std::vector<std::string> lines{"@ 60 IN SOA ns hm 1 2 3 4 5"};
    for (int i = 0; i < 40; ++i)
        lines.push_back("c" + std::to_string(i) + " IN CNAME c" + std::to_string(i + 1));
    zone_source z{dns_name("example.net."), "db", {}};
    for (std::size_t i = 0; i < lines.size(); ++i)
        z.records.push_back(test::parse_line(lines[i], z.apex, "db", i + 1));
    s.zones.push_back(z);
    auto data = test::build_ok(s);
    auto q = dns_name("c0.example.net.");
    auto r = data->lookup(q.wire(), t::a, wire::rr_class::in);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.chain_stopped);
    EXPECT_EQ(r.answer_count, max_cname_hops);
}

TEST_F(LocalData, CnameChainEndingInNxdomainKeepsTheChain) {
    auto r = lookup("dead.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::nxdomain);
    EXPECT_EQ(r.rcode(), wire::rcode::nxdomain);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("dead.example.com. CNAME 1"));
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("example.com. SOA 1"));
}

TEST_F(LocalData, CnameChainEndingInNodataKeepsTheChain) {
    auto r = lookup("alias.example.com.", t::txt);
    EXPECT_EQ(r.status, local_status::nodata);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("alias.example.com. CNAME 1"));
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("example.com. SOA 1"));
}

TEST_F(LocalData, WildcardSynthesizesWithTheQueriedOwner) {
    auto r = lookup("Foo.wild.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    ASSERT_EQ(r.answer_count, 1);
    EXPECT_TRUE(r.answer[0].synthesized);
    EXPECT_EQ(*wire::name::from_wire(r.answer[0].owner()), dns_name("foo.wild.example.com."));
    EXPECT_EQ(r.answer[0].owner()[1], 'F');  // the case asked for
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("foo.wild.example.com. A 1 (synthesized)"));
}

TEST_F(LocalData, WildcardCoversDeeperNamesBelowTheClosestEncloser) {
    auto r = lookup("a.b.wild.example.com.", t::txt);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("a.b.wild.example.com. TXT 1 (synthesized)"));
}

TEST_F(LocalData, WildcardIsBlockedByAnExistingName) {
    auto r = lookup("exists.wild.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::nodata);
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("example.com. SOA 1"));
    // ... and names below an existing name do not match the wildcard above it (RFC 4592 2.2.1).
    auto below = lookup("x.exists.wild.example.com.", t::a);
    EXPECT_EQ(below.status, local_status::nxdomain);
}

TEST_F(LocalData, WildcardIsBlockedByAnEmptyNonTerminal) {
    auto r = lookup("ent.wild.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::nodata);
    auto below = lookup("y.ent.wild.example.com.", t::a);
    EXPECT_EQ(below.status, local_status::nxdomain);
}

TEST_F(LocalData, WildcardWithoutTheTypeIsNodata) {
    auto r = lookup("foo.wild.example.com.", t::mx);
    EXPECT_EQ(r.status, local_status::nodata);
    EXPECT_THAT(sets_of(r.answers()), IsEmpty());
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("example.com. SOA 1"));
}

TEST_F(LocalData, WildcardCnameIsFollowed) {
    auto r = lookup("any.wc.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("any.wc.example.com. CNAME 1 (synthesized)", "www.example.com. A 2"));
}

TEST_F(LocalData, MissingNameIsNxdomainWithTheSoa) {
    auto r = lookup("nope.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::nxdomain);
    EXPECT_TRUE(r.authoritative());
    EXPECT_EQ(r.zone, 0u);
    EXPECT_THAT(sets_of(r.answers()), IsEmpty());
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("example.com. SOA 1"));
}

TEST_F(LocalData, NameWithoutTheTypeIsNodataWithTheSoa) {
    auto r = lookup("www.example.com.", t::aaaa);
    EXPECT_EQ(r.status, local_status::nodata);
    EXPECT_EQ(r.rcode(), wire::rcode::noerror);
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("example.com. SOA 1"));
}

TEST_F(LocalData, EmptyNonTerminalIsNodataNotNxdomain) {
    EXPECT_EQ(lookup("b.c.example.com.", t::a).status, local_status::nodata);
    EXPECT_EQ(lookup("c.example.com.", t::a).status, local_status::nodata);
    EXPECT_EQ(lookup("a.b.c.example.com.", t::a).status, local_status::answer);
    EXPECT_EQ(lookup("d.c.example.com.", t::a).status, local_status::nxdomain);
}

TEST_F(LocalData, NsAtTheApexIsAnsweredWithAddressesOfInZoneTargets) {
    auto r = lookup("example.com.", t::ns);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.authoritative());
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("example.com. NS 2"));
    EXPECT_THAT(sets_of(r.additionals()), ElementsAre("ns1.example.com. A 1"));
}

TEST_F(LocalData, MxAndSrvAnswersCarryTargetAddresses) {
    auto mx = lookup("example.com.", t::mx);
    EXPECT_THAT(sets_of(mx.additionals()),
                ElementsAre("mail.example.com. A 1", "mail.example.com. AAAA 1"));
    auto srv = lookup("_sip._tcp.example.com.", t::srv);
    EXPECT_EQ(srv.status, local_status::answer);
    EXPECT_THAT(sets_of(srv.additionals()),
                ElementsAre("mail.example.com. A 1", "mail.example.com. AAAA 1"));
}

TEST_F(LocalData, NameBelowAZoneCutIsAReferralWithGlue) {
    auto r = lookup("host.sub.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::referral);
    EXPECT_FALSE(r.authoritative());
    EXPECT_THAT(sets_of(r.answers()), IsEmpty());
    EXPECT_THAT(sets_of(r.authorities()), ElementsAre("sub.example.com. NS 2"));
    EXPECT_THAT(sets_of(r.additionals()), ElementsAre("ns.sub.example.com. A 1"));
}

TEST_F(LocalData, GlueAndTheCutItselfAreReferralsToo) {
    EXPECT_EQ(lookup("ns.sub.example.com.", t::a).status, local_status::referral);
    EXPECT_EQ(lookup("sub.example.com.", t::a).status, local_status::referral);
    EXPECT_EQ(lookup("sub.example.com.", t::ns).status, local_status::referral);
}

TEST_F(LocalData, DsAtTheCutIsTheParentsAnswer) {
    auto r = lookup("sub.example.com.", t::ds);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.authoritative());
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("sub.example.com. DS 1"));
    // Below the cut, DS is the child's business: a referral.
    EXPECT_EQ(lookup("host.sub.example.com.", t::ds).status, local_status::referral);
}

TEST_F(LocalData, AnyReturnsEveryRRsetAtTheName) {
    auto r = lookup("mail.example.com.", t::any);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_THAT(sets_of(r.answers()),
                ElementsAre("mail.example.com. A 1", "mail.example.com. AAAA 1"));
    auto apex = lookup("example.com.", t::any);
    EXPECT_THAT(sets_of(apex.answers()),
                ElementsAre("example.com. SOA 1", "example.com. NS 2", "example.com. MX 1"));
    // ANY at an alias returns the CNAME without following it.
    EXPECT_THAT(sets_of(lookup("alias.example.com.", t::any).answers()),
                ElementsAre("alias.example.com. CNAME 1"));
    EXPECT_EQ(lookup("c.example.com.", t::any).status, local_status::nodata);
}

TEST_F(LocalData, TransparentNameAnswersAuthoritatively) {
    auto r = lookup("PRINTER.lan.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_TRUE(r.authoritative());
    EXPECT_EQ(r.zone, no_zone);
    EXPECT_THAT(sets_of(r.answers()), ElementsAre("printer.lan. A 1"));
}

TEST_F(LocalData, TransparentNameWithoutTheTypeIsNodataWithoutSoa) {
    auto r = lookup("printer.lan.", t::aaaa);
    EXPECT_EQ(r.status, local_status::nodata);
    EXPECT_EQ(r.zone, no_zone);
    EXPECT_THAT(sets_of(r.authorities()), IsEmpty());
}

TEST_F(LocalData, OtherNamesNearTransparentNamesAreNotLocal) {
    EXPECT_EQ(lookup("scanner.lan.", t::a).status, local_status::not_local);
    EXPECT_EQ(lookup("lan.", t::a).status, local_status::not_local);
    EXPECT_EQ(lookup("x.printer.lan.", t::a).status, local_status::not_local);
    EXPECT_EQ(lookup("www.example.net.", t::a).status, local_status::not_local);
    EXPECT_EQ(lookup(".", t::ns).status, local_status::not_local);
}

TEST_F(LocalData, ClassesOtherThanInAreNotLocal) {
    EXPECT_EQ(lookup("www.example.com.", t::a, wire::rr_class::ch).status, local_status::not_local);
    EXPECT_EQ(lookup("www.example.com.", t::a, wire::rr_class::any).status, local_status::answer);
}

TEST_F(LocalData, LocalRecordsInsideAZoneJoinIt) {
    auto r = lookup("merged.example.com.", t::a);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_EQ(r.zone, 0u);
    EXPECT_EQ(r.answer[0].where(0), (source_location{"/etc/hosts", 4}));
    // Being in the zone, a missing sibling is NXDOMAIN, not "not local".
    EXPECT_EQ(lookup("unmerged.example.com.", t::a).status, local_status::nxdomain);
}

TEST_F(LocalData, ResultsNameTheirSources) {
    auto r = lookup("alias.example.com.", t::a);
    EXPECT_THAT(r.sources(), ElementsAre(source_location{"db.example.com", 10},
                                         source_location{"db.example.com", 8},
                                         source_location{"db.example.com", 9}));
    EXPECT_EQ(data_->zone_soa(0).where(0), (source_location{"db.example.com", 1}));
}

TEST(LocalDataZones, TheLongestApexWins) {
    local_sources s;
    s.zones.push_back(test::make_zone(
        "example.com.", "parent",
        {"@ 60 IN SOA ns hm 1 2 3 4 5", "@ IN NS ns", "ns IN A 192.0.2.1", "child IN NS ns.child",
         "child IN DS 1 8 2 00ff", "ns.child IN A 192.0.2.2"}));
    s.zones.push_back(test::make_zone(
        "child.example.com.", "child",
        {"@ 60 IN SOA ns hm 1 2 3 4 5", "@ IN NS ns", "ns IN A 192.0.2.2", "www IN A 192.0.2.3"}));
    s.local_records.push_back(test::local_record("h.child.example.com. A 192.0.2.9", "hosts", 1));
    auto data = test::build_ok(s);
    auto www = dns_name("www.child.example.com.");
    auto r = data->lookup(www.wire(), t::a, wire::rr_class::in);
    EXPECT_EQ(r.status, local_status::answer);
    EXPECT_EQ(r.zone, 1u);
    auto h = dns_name("h.child.example.com.");
    EXPECT_EQ(data->lookup(h.wire(), t::a, wire::rr_class::in).zone, 1u);
    // DS at the child's apex comes from the parent.
    auto apex = dns_name("child.example.com.");
    auto ds = data->lookup(apex.wire(), t::ds, wire::rr_class::in);
    EXPECT_EQ(ds.status, local_status::answer);
    EXPECT_EQ(ds.zone, 0u);
    EXPECT_EQ(data->lookup(apex.wire(), t::soa, wire::rr_class::in).zone, 1u);
}

// --- building -------------------------------------------------------------------------------

TEST(LocalDataBuild, ZoneWithoutSoaAtItsApexIsAnError) {
    local_sources s;
    s.zones.push_back(
        test::make_zone("example.com.", "db.example",
                        {"@ IN NS ns", "ns IN A 192.0.2.1", "sub 60 IN SOA ns hm 1 2 3 4 5"}));
    auto built = build_local_data(s);
    EXPECT_EQ(built.data, nullptr);
    EXPECT_THAT(test::error_texts(built.errors),
                ElementsAre("db.example:3: SOA record at sub.example.com., which is not the "
                            "apex of zone example.com.",
                            "db.example: zone example.com. has no SOA record at its apex"));
}

TEST(LocalDataBuild, CnameAndOtherDataAcrossSourcesNamesBoth) {
    local_sources s;
    s.zones.push_back(
        test::make_zone("example.com.", "db.example",
                        {"@ 60 IN SOA ns hm 1 2 3 4 5", "@ IN NS ns", "www IN CNAME web"}));
    s.local_records.push_back(test::local_record("www.example.com. A 192.0.2.1", "/etc/hosts", 7));
    auto built = build_local_data(s);
    EXPECT_EQ(built.data, nullptr);
    EXPECT_THAT(test::error_texts(built.errors),
                ElementsAre("db.example:3: CNAME at www.example.com. (db.example:3) and other "
                            "data (A at /etc/hosts:7) at the same name"));
}

TEST(LocalDataBuild, CnameAndOtherDataAmongTransparentNamesIsAnError) {
    local_sources s;
    s.local_records.push_back(test::local_record("a.lan. CNAME b.lan.", "config records[0]", 0));
    s.local_records.push_back(test::local_record("a.lan. TXT hello", "config records[1]", 0));
    s.local_records.push_back(test::local_record("a.lan. CNAME c.lan.", "config records[2]", 0));
    auto built = build_local_data(s);
    EXPECT_THAT(test::error_texts(built.errors),
                ElementsAre("config records[2]: more than one CNAME at a.lan. (the first is at "
                            "config records[0])",
                            "config records[0]: CNAME at a.lan. (config records[0]) and other "
                            "data (TXT at config records[1]) at the same name"));
}

TEST(LocalDataBuild, DuplicateRecordsCollapseAndTheFirstTtlWins) {
    local_sources s;
    s.zones.push_back(
        test::make_zone("example.com.", "db",
                        {"@ 60 IN SOA ns hm 1 2 3 4 5", "@ IN NS ns", "www 300 IN A 192.0.2.1",
                         "WWW 600 IN A 192.0.2.1", "www 900 IN A 192.0.2.2"}));
    s.local_records.push_back(test::local_record("www.example.com. 300 A 192.0.2.1", "hosts", 2));
    auto built = build_local_data(s);
    ASSERT_NE(built.data, nullptr);
    EXPECT_THAT(test::error_texts(built.warnings),
                ElementsAre("db:4: TTL 600 differs from the TTL 300 of the RRset given at db:3; "
                            "using 300",
                            "db:5: TTL 900 differs from the TTL 300 of the RRset given at db:3; "
                            "using 300"));
    auto q = dns_name("www.example.com.");
    auto r = built.data->lookup(q.wire(), t::a, wire::rr_class::in);
    ASSERT_EQ(r.answer_count, 1);
    EXPECT_EQ(r.answer[0].size(), 2u);
    EXPECT_EQ(r.answer[0].ttl(), 300u);
}

TEST(LocalDataBuild, OutOfZoneAndNonInRecordsAreIgnoredWithAWarning) {
    local_sources s;
    s.zones.push_back(test::make_zone("example.com.", "db",
                                      {"@ 60 IN SOA ns hm 1 2 3 4 5", "@ IN NS ns",
                                       "www.example.org. IN A 192.0.2.1", "txt CH TXT hello"}));
    auto built = build_local_data(s);
    ASSERT_NE(built.data, nullptr);
    EXPECT_THAT(test::error_texts(built.warnings),
                ElementsAre("db:3: www.example.org. is outside zone example.com.; record ignored",
                            "db:4: only class IN is served; record ignored"));
}

TEST(LocalDataBuild, TheSameZoneTwiceIsAnError) {
    local_sources s;
    s.zones.push_back(test::make_zone("example.com.", "a", {"@ 60 IN SOA ns hm 1 2 3 4 5"}));
    s.zones.push_back(test::make_zone("Example.COM.", "b", {"@ 60 IN SOA ns hm 1 2 3 4 5"}));
    auto built = build_local_data(s);
    EXPECT_THAT(test::error_texts(built.errors),
                ElementsAre("b: zone Example.COM. is already loaded from a"));
}

TEST(LocalDataBuild, EmptySourcesGiveEmptyData) {
    auto built = build_local_data({});
    ASSERT_NE(built.data, nullptr);
    auto q = dns_name("www.example.com.");
    EXPECT_EQ(built.data->lookup(q.wire(), t::a, wire::rr_class::in).status,
              local_status::not_local);
}

}  // namespace
}  // namespace residns::zone
