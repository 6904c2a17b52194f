// named's whole-zone checks in the master-file reader: SOA and NS at the apex, owners inside the
// zone, CNAME and other data, singleton types, duplicate records, one TTL per RRset.
#include <gtest/gtest.h>

#include "residns/zone/zone_file.hpp"
#include "zone_test_util.hpp"

namespace residns::zone {
namespace {

using test::all_text;
using test::contains_record;
using test::has_problem;
using test::lines_of;
using test::read_text;
using test::test_file;
using test::zone;

TEST(ZoneFileChecks, NoSoaIsAnError) {
    auto result = read_text("$TTL 300\n@ NS ns\nns A 192.0.2.1\n");
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 0, "no SOA record at the zone apex example."))
        << all_text(result.errors);
}

TEST(ZoneFileChecks, NoNsAtTheApexIsAnError) {
    auto result = read_text("$TTL 300\n@ SOA ns hostmaster 1 2 3 4 5\nns A 192.0.2.1\nsub NS ns\n");
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 0, "no NS records at the zone apex example."))
        << all_text(result.errors);
}

TEST(ZoneFileChecks, SoaBelowTheApexIsAnError) {
    auto result = read_text(zone("sub SOA ns hostmaster 1 2 3 4 5\n"));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6,
                            "SOA record at sub.example. is not at the zone apex"))
        << all_text(result.errors);
}

TEST(ZoneFileChecks, TwoDifferentSoasAreAnError) {
    auto result = read_text(zone("@ SOA ns hostmaster 2 3600 600 86400 120\n"));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6,
                            "more than one SOA record at example. (lines 2 and 6)"))
        << all_text(result.errors);
}

TEST(ZoneFileChecks, AnIdenticalSecondSoaCollapses) {
    auto result = read_text(zone("@ SOA ns hostmaster 1 3600 600 86400 120\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_EQ(result.zone->records.size(), 3u);
}

TEST(ZoneFileChecks, OwnerOutsideTheZoneIsIgnoredWithAWarningAsNamedDoes) {
    auto result = read_text(zone("www.example.net. A 192.0.2.1\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.warnings, test_file, 6,
                            "owner www.example.net. is outside the zone example."))
        << all_text(result.warnings);
    for (const auto& r : result.zone->records)
        EXPECT_NE(r.rr.owner.to_text(), "www.example.net.");
}

TEST(ZoneFileChecks, CnameAndOtherDataIsAnErrorAtTheLaterLine) {
    auto result = read_text(zone("www CNAME ns\nx A 192.0.2.1\nwww TXT \"x\"\n"));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(
        has_problem(result.errors, test_file, 8,
                    "CNAME and other data at www.example. (CNAME and TXT on lines 6 and 8)"))
        << all_text(result.errors);

    auto before = read_text(zone("www A 192.0.2.1\nwww CNAME ns\n"));
    EXPECT_TRUE(has_problem(before.errors, test_file, 7, "CNAME and other data at www.example."))
        << all_text(before.errors);
}

TEST(ZoneFileChecks, CnameBesideDnssecRecordsIsFine) {
    auto result =
        read_text(zone("www CNAME ns\n"
                       "www NSEC x.example. CNAME RRSIG NSEC\n"
                       "www RRSIG CNAME 8 2 300 20300101000000 20200101000000 1 example. AAAA\n"
                       "www KEY \\# 5 0100030801\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_EQ(result.zone->records.size(), 7u);
}

TEST(ZoneFileChecks, TwoCnamesOrDnamesAreAnError) {
    auto result = read_text(zone("a CNAME b\na CNAME c\nd DNAME e\nd DNAME f\n"));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 7,
                            "more than one CNAME record at a.example. (lines 6 and 7)"))
        << all_text(result.errors);
    EXPECT_TRUE(
        has_problem(result.errors, test_file, 9, "more than one DNAME record at d.example."))
        << all_text(result.errors);
}

TEST(ZoneFileChecks, DnameBesideOtherDataIsFine) {
    auto result = read_text(zone("d DNAME e\nd A 192.0.2.1\n"));
    EXPECT_TRUE(result.zone) << all_text(result.errors);
}

TEST(ZoneFileChecks, DuplicatesCollapseIgnoringNameCase) {
    auto result = read_text(zone(
        "a A 192.0.2.1\na A 192.0.2.1\nm MX 10 Mail\nm MX 10 mail\nx A 192.0.2.9\nm MX 10 MAIL\n"
        "t TXT \"A\"\nt TXT \"a\"\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_EQ(std::ranges::count(lines, "a.example. 300 IN A 192.0.2.1"), 1);
    // Within one batch named keeps the later spelling; a later batch adds nothing.
    EXPECT_TRUE(contains_record(lines, "m.example. 300 IN MX 10 mail.example."))
        << testing::PrintToString(lines);
    EXPECT_EQ(std::ranges::count_if(
                  lines, [](const std::string& l) { return l.starts_with("m.example."); }),
              1);
    // TXT strings are case-sensitive.
    EXPECT_TRUE(contains_record(lines, "t.example. 300 IN TXT \"A\""));
    EXPECT_TRUE(contains_record(lines, "t.example. 300 IN TXT \"a\""));
}

TEST(ZoneFileChecks, RrsetTtlWithinABatchIsTheFirstWithAWarning) {
    auto result = read_text(zone("a 100 A 192.0.2.1\na 200 A 192.0.2.2\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a.example. 100 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "a.example. 100 IN A 192.0.2.2"));
    EXPECT_TRUE(has_problem(result.warnings, test_file, 7,
                            "differs from the TTL 100 of the same RRset on line 6"))
        << all_text(result.warnings);
}

TEST(ZoneFileChecks, RrsetTtlAcrossBatchesIsTheLast) {
    auto result = read_text(zone(
        "a 100 A 192.0.2.1\nb A 192.0.2.9\na 50 A 192.0.2.2\nc A 192.0.2.9\na 70 A 192.0.2.1\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a.example. 70 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "a.example. 70 IN A 192.0.2.2"));
    EXPECT_TRUE(has_problem(result.warnings, test_file, 10, "were given different TTLs"))
        << all_text(result.warnings);
}

TEST(ZoneFileChecks, SignaturesFormOneRrsetPerCoveredType) {
    auto result =
        read_text(zone("a 100 RRSIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA\n"
                       "a 200 RRSIG TXT 8 2 300 20300101000000 20200101000000 1 example. AAAA\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(result.warnings.empty()) << all_text(result.warnings);
}

TEST(ZoneFileChecks, RecordsKeepFileOrderAndLocations) {
    auto result = read_text(zone("b A 192.0.2.2\na A 192.0.2.1\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    ASSERT_EQ(result.zone->records.size(), 5u);
    EXPECT_EQ(result.zone->records[3].rr.owner, test::n("b.example."));
    EXPECT_EQ(result.zone->records[3].where.line, 6u);
    EXPECT_EQ(result.zone->records[4].where.line, 7u);
}

}  // namespace
}  // namespace residns::zone
