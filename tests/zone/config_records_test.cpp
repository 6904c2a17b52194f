// Records from the config's `records:` list: presentation format through the wire parser,
// default TTL, relative names only with an origin, automatic PTRs, "config records[i]" locations.
#include "residns/zone/config_records.hpp"

#include <gtest/gtest.h>

#include "zone_test_util.hpp"

namespace residns::zone {
namespace {

using test::all_text;
using test::contains_record;
using test::has_problem;
using test::lines_of;

TEST(ConfigRecords, ParsesRecordsWithDefaultTtl) {
    auto result = read_config_records({"nas.lan. 60 IN A 192.168.1.10", "nas.lan. AAAA fd00::10",
                                       "lan. MX 10 nas.lan.", "txt.lan. TXT \"a b\" ; comment"},
                                      {});
    EXPECT_TRUE(result.errors.empty()) << all_text(result.errors);
    EXPECT_EQ(
        lines_of(result.records),
        (std::vector<std::string>{"nas.lan. 60 IN A 192.168.1.10", "nas.lan. 300 IN AAAA fd00::10",
                                  "lan. 300 IN MX 10 nas.lan.", "txt.lan. 300 IN TXT \"a b\""}));
    EXPECT_EQ(result.records[2].where, (source_location{"config records[2]", 0}));
}

TEST(ConfigRecords, RelativeNamesNeedAnOrigin) {
    auto without = read_config_records({"nas A 192.168.1.10", "x.lan. CNAME nas"}, {});
    EXPECT_TRUE(has_problem(without.errors, "config records[0]", 0, "'nas' is relative"))
        << all_text(without.errors);
    EXPECT_TRUE(has_problem(without.errors, "config records[1]", 0,
                            "CNAME: a name in the RDATA is relative"))
        << all_text(without.errors);

    auto with = read_config_records({"nas A 192.168.1.10", "x CNAME nas", "@ NS nas"},
                                    {.origin = test::n("lan.")});
    EXPECT_TRUE(with.errors.empty()) << all_text(with.errors);
    auto lines = lines_of(with.records);
    EXPECT_TRUE(contains_record(lines, "nas.lan. 300 IN A 192.168.1.10"));
    EXPECT_TRUE(contains_record(lines, "x.lan. 300 IN CNAME nas.lan."));
    EXPECT_TRUE(contains_record(lines, "lan. 300 IN NS nas.lan."));
}

TEST(ConfigRecords, ErrorsNameTheEntry) {
    auto result = read_config_records(
        {"ok.lan. A 192.0.2.1", "bad.lan. A 192.0.2.300", "x.lan. FOO 1", "",
         " indented.lan. A 192.0.2.1", "x.lan. 1x A 192.0.2.1", "x.lan. AXFR \\# 0"},
        {});
    EXPECT_EQ(result.records.size(), 1u);
    EXPECT_TRUE(has_problem(result.errors, "config records[1]", 0, "A: "))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, "config records[2]", 0, "unknown type 'FOO'"));
    EXPECT_TRUE(has_problem(result.errors, "config records[3]", 0, "empty record"));
    EXPECT_TRUE(has_problem(result.errors, "config records[4]", 0, "must start with its owner"));
    EXPECT_TRUE(has_problem(result.errors, "config records[5]", 0, "bad TTL '1x'"));
    EXPECT_TRUE(has_problem(result.errors, "config records[6]", 0, "cannot be a local record"));
    EXPECT_EQ(result.errors[0].to_string().substr(0, 19), "config records[1]: ");
}

TEST(ConfigRecords, AutomaticPtr) {
    auto result = read_config_records(
        {"nas.lan. 60 A 192.168.1.10", "nas.lan. AAAA 2001:db8::1", "alias.lan. A 192.168.1.10",
         "printer.lan. A 192.168.1.20", "20.1.168.192.in-addr.arpa. PTR printer-explicit.lan."},
        {.add_ptr = true});
    EXPECT_TRUE(result.errors.empty()) << all_text(result.errors);
    auto lines = lines_of(result.records);
    EXPECT_TRUE(contains_record(lines, "10.1.168.192.in-addr.arpa. 60 IN PTR nas.lan."));
    EXPECT_TRUE(contains_record(lines,
                                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
                                "ip6.arpa. 300 IN PTR nas.lan."));
    EXPECT_FALSE(contains_record(lines, "10.1.168.192.in-addr.arpa. 300 IN PTR alias.lan."));
    EXPECT_FALSE(contains_record(lines, "20.1.168.192.in-addr.arpa. 300 IN PTR printer.lan."));
    EXPECT_TRUE(
        contains_record(lines, "20.1.168.192.in-addr.arpa. 300 IN PTR printer-explicit.lan."));
    EXPECT_TRUE(has_problem(result.warnings, "config records[2]", 0, "already points"))
        << all_text(result.warnings);
    EXPECT_EQ(result.records.size(), 7u);
}

TEST(ConfigRecords, NoPtrUnlessAsked) {
    auto result = read_config_records({"nas.lan. A 192.168.1.10"}, {});
    EXPECT_EQ(result.records.size(), 1u);
}

TEST(ConfigRecords, DuplicatesCollapse) {
    auto result =
        read_config_records({"a.lan. A 192.0.2.1", "A.LAN. 300 IN A 192.0.2.1"}, {.add_ptr = true});
    EXPECT_EQ(result.records.size(), 2u);
    EXPECT_TRUE(result.warnings.empty()) << all_text(result.warnings);
}

TEST(ConfigRecords, DefaultTtlOption) {
    auto result = read_config_records({"a.lan. A 192.0.2.1"}, {.default_ttl = 5});
    EXPECT_TRUE(contains_record(lines_of(result.records), "a.lan. 5 IN A 192.0.2.1"));
}

}  // namespace
}  // namespace residns::zone
