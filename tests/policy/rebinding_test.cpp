// rebinding_filter: which addresses are private (at the edges of each range, IPv4-mapped forms),
// what is removed from an upstream answer and what is kept (CNAMEs, public addresses, RRSIGs of
// kept RRsets, EDNS), the allow list by owner name, the caller's "local data" hook, NODATA when
// every address goes, and malformed input.
#include "residns/policy/rebinding.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "residns/wire/message.hpp"
#include "residns/wire/rdata.hpp"

namespace residns::policy {
namespace {

using wire::record;

client_address addr(const std::string& text) {
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return client_address::v4(ntohl(v4.s_addr));
    in6_addr v6{};
    EXPECT_EQ(::inet_pton(AF_INET6, text.c_str(), &v6), 1) << text;
    return client_address::from_v6_bytes(v6.s6_addr);
}

wire::name nm(const std::string& text) {
    return wire::name::from_text(text).value();
}

record rr(const std::string& owner, std::uint16_t type, const std::string& rdata) {
    auto parsed = wire::rdata_from_text(type, rdata, wire::name{});
    EXPECT_TRUE(parsed.value) << rdata << ": " << parsed.error;
    return record{
        .owner = nm(owner), .type = type, .ttl = 300, .data = parsed.value.value_or(wire::rdata{})};
}

// An upstream answer to `qname`/`qtype` with the given sections and an OPT record.
std::vector<std::uint8_t> answer(const std::string& qname, std::uint16_t qtype,
                                 std::vector<record> answers, std::vector<record> authority = {},
                                 std::vector<record> additional = {}) {
    wire::message m;
    m.hdr.id = 0x1234;
    m.hdr.flags = 0x8180;  // QR RD RA
    m.questions.push_back({nm(qname), qtype, wire::rr_class::in});
    m.answers = std::move(answers);
    m.authorities = std::move(authority);
    m.additionals = std::move(additional);
    m.edns = wire::edns{};
    m.edns->udp_size = 1232;
    std::vector<std::uint8_t> out(65535);
    out.resize(wire::encode_message(m, out));
    EXPECT_GT(out.size(), 0u);
    return out;
}

wire::message decode(std::span<const std::uint8_t> packet) {
    wire::message m;
    EXPECT_EQ(wire::decode_message(packet, m), wire::parse_error::none);
    return m;
}

rebinding_settings on(std::vector<std::string> allow = {}) {
    rebinding_settings s;
    s.enabled = true;
    s.allow_domains = std::move(allow);
    return s;
}

struct filtered {
    rebinding_result result;
    std::vector<std::uint8_t> packet;  // the output, or the input when unchanged
};

filtered run(rebinding_filter& f, const std::vector<std::uint8_t>& in,
             const rebinding_filter::allow_fn& also = {}) {
    std::vector<std::uint8_t> out(65535);
    filtered r{f.filter(in, out, also), {}};
    if (r.result.outcome == rebinding_outcome::filtered) {
        r.packet.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.result.length));
    } else {
        r.packet = in;
    }
    return r;
}

TEST(RebindingFilter, PrivateSetCoversEveryRangeAtItsEdges) {
    const rebinding_filter f(on());
    for (const char* inside : {"0.0.0.0",
                               "0.255.255.255",
                               "10.0.0.0",
                               "10.255.255.255",
                               "100.64.0.0",
                               "100.127.255.255",
                               "127.0.0.1",
                               "127.255.255.255",
                               "169.254.0.0",
                               "169.254.255.255",
                               "172.16.0.0",
                               "172.31.255.255",
                               "192.168.0.0",
                               "192.168.255.255",
                               "::",
                               "::1",
                               "fc00::",
                               "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                               "fe80::1",
                               "febf::1",
                               "fec0::1",
                               "::ffff:127.0.0.1",
                               "::ffff:10.1.2.3",
                               "::ffff:192.168.1.1",
                               "::ffff:0.0.0.0"}) {
        EXPECT_TRUE(f.is_private(addr(inside))) << inside;
    }
    for (const char* outside :
         {"1.0.0.0",        "9.255.255.255",   "11.0.0.0",   "100.63.255.255",
          "100.128.0.0",    "126.255.255.255", "128.0.0.0",  "169.253.255.255",
          "169.255.0.0",    "172.15.255.255",  "172.32.0.0", "192.167.255.255",
          "192.169.0.0",    "8.8.8.8",         "::2",        "2001:db8::1",
          "fbff::1",        "fe00::1",         "ff02::1",    "::ffff:8.8.8.8",
          "2606:4700::1111"}) {
        EXPECT_FALSE(f.is_private(addr(outside))) << outside;
    }
}

TEST(RebindingFilter, OffByDefaultPassesEverything) {
    rebinding_filter f;
    EXPECT_FALSE(f.enabled());
    const auto in = answer("evil.example.", wire::rr_type::a,
                           {rr("evil.example.", wire::rr_type::a, "192.168.1.1")});
    const auto r = run(f, in);
    EXPECT_EQ(r.result.outcome, rebinding_outcome::unchanged);
    EXPECT_EQ(r.result.removed, 0u);
}

TEST(RebindingFilter, PublicAnswerIsLeftUntouched) {
    rebinding_filter f(on());
    const auto in = answer("www.example.", wire::rr_type::a,
                           {rr("www.example.", wire::rr_type::a, "192.0.2.1"),
                            rr("www.example.", wire::rr_type::a, "8.8.8.8")});
    const auto r = run(f, in);
    EXPECT_EQ(r.result.outcome, rebinding_outcome::unchanged);
}

TEST(RebindingFilter, PrivateAddressesAreRemovedAndPublicOnesKept) {
    rebinding_filter f(on());
    const auto in = answer("mixed.example.", wire::rr_type::a,
                           {rr("mixed.example.", wire::rr_type::a, "192.168.1.1"),
                            rr("mixed.example.", wire::rr_type::a, "192.0.2.7"),
                            rr("mixed.example.", wire::rr_type::a, "127.0.0.1")});
    const auto r = run(f, in);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    EXPECT_EQ(r.result.removed, 2u);
    const auto m = decode(r.packet);
    ASSERT_EQ(m.answers.size(), 1u);
    EXPECT_EQ(m.answers[0], rr("mixed.example.", wire::rr_type::a, "192.0.2.7"));
    // The rest of the message is as it was: ID, flags, question, EDNS.
    EXPECT_EQ(m.hdr.id, 0x1234);
    EXPECT_EQ(m.hdr.flags, 0x8180);
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.questions[0].qname, nm("mixed.example."));
    ASSERT_TRUE(m.edns.has_value());
    EXPECT_EQ(m.edns->udp_size, 1232);
}

TEST(RebindingFilter, AaaaLoopbackUlaLinkLocalAndMappedFormsAreRemoved) {
    rebinding_filter f(on());
    const auto in = answer("v6.example.", wire::rr_type::aaaa,
                           {rr("v6.example.", wire::rr_type::aaaa, "::1"),
                            rr("v6.example.", wire::rr_type::aaaa, "fd00::5"),
                            rr("v6.example.", wire::rr_type::aaaa, "fe80::1"),
                            rr("v6.example.", wire::rr_type::aaaa, "::ffff:10.0.0.1"),
                            rr("v6.example.", wire::rr_type::aaaa, "::"),
                            rr("v6.example.", wire::rr_type::aaaa, "2001:db8::1")});
    const auto r = run(f, in);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    EXPECT_EQ(r.result.removed, 5u);
    const auto m = decode(r.packet);
    ASSERT_EQ(m.answers.size(), 1u);
    EXPECT_EQ(m.answers[0], rr("v6.example.", wire::rr_type::aaaa, "2001:db8::1"));
}

TEST(RebindingFilter, EveryAddressRemovedLeavesNodataWithTheCnameChain) {
    // As Unbound: the answer without those records, the rest intact (NOERROR).
    rebinding_filter f(on());
    const auto in = answer("www.evil.example.", wire::rr_type::a,
                           {rr("www.evil.example.", wire::rr_type::cname, "target.evil.example."),
                            rr("target.evil.example.", wire::rr_type::a, "10.0.0.1")});
    const auto r = run(f, in);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    EXPECT_EQ(r.result.removed, 1u);
    const auto m = decode(r.packet);
    EXPECT_EQ(m.hdr.flags & 0x000F, 0);  // NOERROR
    ASSERT_EQ(m.answers.size(), 1u);
    EXPECT_EQ(m.answers[0].type, wire::rr_type::cname);
}

TEST(RebindingFilter, AllAddressesRemovedGivesAnEmptyAnswerSection) {
    rebinding_filter f(on());
    const auto in = answer("only.example.", wire::rr_type::a,
                           {rr("only.example.", wire::rr_type::a, "169.254.169.254")});
    const auto r = run(f, in);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    const auto m = decode(r.packet);
    EXPECT_TRUE(m.answers.empty());
    EXPECT_EQ(m.hdr.flags & 0x000F, 0);
}

TEST(RebindingFilter, AllowListIsMatchedOnLabelBoundariesCaseInsensitively) {
    rebinding_filter f(on({"corp.example.", "LAN."}));
    EXPECT_TRUE(f.allowed(nm("corp.example.")));
    EXPECT_TRUE(f.allowed(nm("printer.CORP.example.")));
    EXPECT_TRUE(f.allowed(nm("nas.lan.")));
    EXPECT_FALSE(f.allowed(nm("notcorp.example.")));
    EXPECT_FALSE(f.allowed(nm("example.")));
    const auto in = answer("printer.Corp.Example.", wire::rr_type::a,
                           {rr("printer.Corp.Example.", wire::rr_type::a, "10.1.2.3")});
    EXPECT_EQ(run(f, in).result.outcome, rebinding_outcome::unchanged);
    const auto other = answer("printer.notcorp.example.", wire::rr_type::a,
                              {rr("printer.notcorp.example.", wire::rr_type::a, "10.1.2.3")});
    EXPECT_EQ(run(f, other).result.outcome, rebinding_outcome::filtered);
}

TEST(RebindingFilter, AllowListIsCheckedAgainstEachRecordsOwner) {
    // A public name that is a CNAME for an allow-listed name resolves (as Unbound's
    // private-domain); an allow-listed question does not let other owners through.
    rebinding_filter f(on({"corp.example."}));
    const auto to_allowed =
        answer("alias.public.example.", wire::rr_type::a,
               {rr("alias.public.example.", wire::rr_type::cname, "host.corp.example."),
                rr("host.corp.example.", wire::rr_type::a, "10.1.2.3")});
    EXPECT_EQ(run(f, to_allowed).result.outcome, rebinding_outcome::unchanged);
    const auto from_allowed =
        answer("alias.corp.example.", wire::rr_type::a,
               {rr("alias.corp.example.", wire::rr_type::cname, "evil.example."),
                rr("evil.example.", wire::rr_type::a, "10.1.2.3")});
    const auto r = run(f, from_allowed);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    EXPECT_EQ(r.result.removed, 1u);
}

TEST(RebindingFilter, CallerHookAllowsLocalNames) {
    rebinding_filter f(on());
    const auto in =
        answer("nas.home.", wire::rr_type::a, {rr("nas.home.", wire::rr_type::a, "192.168.1.5")});
    const rebinding_filter::allow_fn local = [](const wire::name& owner) {
        return owner.is_subdomain_of(nm("home."));
    };
    EXPECT_EQ(run(f, in, local).result.outcome, rebinding_outcome::unchanged);
    EXPECT_EQ(run(f, in).result.outcome, rebinding_outcome::filtered);
}

TEST(RebindingFilter, AuthorityAndAdditionalAddressesAreFilteredToo) {
    rebinding_filter f(on());
    const auto in = answer("example.", wire::rr_type::ns,
                           {rr("example.", wire::rr_type::ns, "ns1.example.")}, {},
                           {rr("ns1.example.", wire::rr_type::a, "10.9.9.9"),
                            rr("ns1.example.", wire::rr_type::aaaa, "2001:db8::53")});
    const auto r = run(f, in);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    const auto m = decode(r.packet);
    EXPECT_EQ(m.answers.size(), 1u);
    ASSERT_EQ(m.additionals.size(), 1u);
    EXPECT_EQ(m.additionals[0].type, wire::rr_type::aaaa);
}

TEST(RebindingFilter, RrsigOfARemovedRrsetGoesAndOthersStay) {
    rebinding_filter f(on());
    const std::string sig_rest = " 8 2 300 20300101000000 20200101000000 12345 example. AAAAAAAA";
    const auto in = answer("x.example.", wire::rr_type::a,
                           {rr("x.example.", wire::rr_type::cname, "y.example."),
                            rr("x.example.", wire::rr_type::rrsig, "CNAME" + sig_rest),
                            rr("y.example.", wire::rr_type::a, "127.0.0.1"),
                            rr("y.example.", wire::rr_type::rrsig, "A" + sig_rest)});
    const auto r = run(f, in);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    EXPECT_EQ(r.result.removed, 1u);
    const auto m = decode(r.packet);
    ASSERT_EQ(m.answers.size(), 2u);
    EXPECT_EQ(m.answers[0].type, wire::rr_type::cname);
    EXPECT_EQ(m.answers[1].type, wire::rr_type::rrsig);
    EXPECT_EQ(m.answers[1].owner, nm("x.example."));
}

TEST(RebindingFilter, CustomPrivateSetReplacesTheDefault) {
    rebinding_settings s = on();
    s.private_addresses = {parse_prefix("198.51.100.0/24").value.value()};
    rebinding_filter f(s);
    EXPECT_TRUE(f.is_private(addr("198.51.100.9")));
    EXPECT_FALSE(f.is_private(addr("10.0.0.1")));
}

TEST(RebindingFilter, MalformedAnswerIsReportedNotRelayed) {
    rebinding_filter f(on());
    auto in =
        answer("x.example.", wire::rr_type::a, {rr("x.example.", wire::rr_type::a, "10.0.0.1")});
    in.resize(in.size() - 3);
    EXPECT_EQ(run(f, in).result.outcome, rebinding_outcome::malformed);
    const std::vector<std::uint8_t> tiny{1, 2, 3};
    EXPECT_EQ(run(f, tiny).result.outcome, rebinding_outcome::malformed);
}

TEST(RebindingFilter, CompressedOwnersThatPointIntoRemovedRecordsStillDecode) {
    // Hand-made: the second A record's owner points at the first record's owner, which is
    // written out in full (not compressed against the question). Removing the first record must
    // not leave a dangling pointer.
    std::vector<std::uint8_t> p{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
                                // question: a.example. A IN
                                1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1};
    const auto append = [&p](std::initializer_list<std::uint8_t> bytes) {
        p.insert(p.end(), bytes.begin(), bytes.end());
    };
    const auto first_owner = static_cast<std::uint8_t>(p.size());
    // b.example. A 10.0.0.1 (owner in full)
    append({1, 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0});
    append({0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 10, 0, 0, 1});
    // pointer to b.example. A 192.0.2.1
    append({0xC0, first_owner});
    append({0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1});
    rebinding_filter f(on());
    const auto r = run(f, p);
    ASSERT_EQ(r.result.outcome, rebinding_outcome::filtered);
    const auto m = decode(r.packet);
    ASSERT_EQ(m.answers.size(), 1u);
    EXPECT_EQ(m.answers[0], rr("b.example.", wire::rr_type::a, "192.0.2.1"));
}

TEST(RebindingFilter, RecordsOfOtherClassesAndTypesAreNotTouched) {
    rebinding_filter f(on());
    // A TXT record that happens to be four bytes, and a PTR.
    const auto in = answer("x.example.", wire::rr_type::txt,
                           {rr("x.example.", wire::rr_type::txt, "\"abc\""),
                            rr("x.example.", wire::rr_type::ptr, "localhost.")});
    EXPECT_EQ(run(f, in).result.outcome, rebinding_outcome::unchanged);
}

TEST(RebindingFilter, MutatedAnswersNeverCrashAndFilteredOutputAlwaysParses) {
    // A small in-test fuzz: byte flips, truncations and count changes of a real answer.
    rebinding_filter f(on({"corp.example."}));
    const auto base = answer("x.example.", wire::rr_type::a,
                             {rr("x.example.", wire::rr_type::cname, "y.corp.example."),
                              rr("y.corp.example.", wire::rr_type::a, "10.0.0.1"),
                              rr("x.example.", wire::rr_type::a, "192.168.0.1"),
                              rr("x.example.", wire::rr_type::aaaa, "fd00::1")},
                             {}, {rr("ns.example.", wire::rr_type::a, "127.0.0.1")});
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    std::vector<std::uint8_t> out(65535);
    std::size_t filtered = 0;
    for (int i = 0; i < 20000; ++i) {
        auto in = base;
        const int edits = 1 + static_cast<int>(next() % 4);
        for (int e = 0; e < edits; ++e) {
            const auto at = next() % in.size();
            switch (next() % 3) {
                case 0:
                    in[at] = static_cast<std::uint8_t>(next());
                    break;
                case 1:
                    in.resize(std::max<std::size_t>(at, 1));
                    break;
                default:
                    in[at] ^= static_cast<std::uint8_t>(1U << (next() % 8));
                    break;
            }
        }
        const auto r = f.filter(in, out);
        if (r.outcome != rebinding_outcome::filtered) continue;
        ++filtered;
        ASSERT_LE(r.length, out.size());
        wire::message m;
        ASSERT_EQ(wire::decode_message(std::span<const std::uint8_t>(out).first(r.length), m),
                  wire::parse_error::none);
        for (const auto* section : {&m.answers, &m.authorities, &m.additionals}) {
            for (const auto& rec : *section) {
                if (rec.type == wire::rr_type::a && rec.data.size() == 4 &&
                    rec.rr_class == wire::rr_class::in) {
                    EXPECT_TRUE(!f.is_private(
                                    client_address::v4((std::uint32_t{rec.data.bytes()[0]} << 24) |
                                                       (std::uint32_t{rec.data.bytes()[1]} << 16) |
                                                       (std::uint32_t{rec.data.bytes()[2]} << 8) |
                                                       rec.data.bytes()[3])) ||
                                f.allowed(rec.owner));
                }
            }
        }
    }
    EXPECT_GT(filtered, 100U);
}

}  // namespace
}  // namespace residns::policy
