// The master-file reader: line assembly, names, TTL and class inheritance, $ORIGIN, $TTL,
// $INCLUDE, and the file:line of every error.
#include "residns/zone/zone_file.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

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
using test::zone_head;

TEST(ZoneFile, ReadsAMinimalZone) {
    auto result = read_text(zone("www A 192.0.2.80\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_EQ(result.zone->apex, test::n("example."));
    EXPECT_EQ(result.zone->file, test_file);
    EXPECT_EQ(lines_of(result),
              (std::vector<std::string>{
                  "example. 300 IN SOA ns.example. hostmaster.example. 1 3600 600 86400 120",
                  "example. 300 IN NS ns.example.", "ns.example. 300 IN A 192.0.2.1",
                  "www.example. 300 IN A 192.0.2.80"}));
    EXPECT_EQ(result.zone->records.back().where, (source_location{test_file, 6}));
    EXPECT_TRUE(result.warnings.empty()) << all_text(result.warnings);
}

TEST(ZoneFile, OmittedOwnerIsThePreviousOwner) {
    auto result = read_text(zone("www A 192.0.2.80\n\tAAAA 2001:db8::80\n  TXT \"x\"\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "www.example. 300 IN AAAA 2001:db8::80"));
    EXPECT_TRUE(contains_record(lines, "www.example. 300 IN TXT \"x\""));
}

TEST(ZoneFile, OmittedOwnerOnTheFirstRecordIsAnError) {
    auto result = read_text("$TTL 300\n  A 192.0.2.1\n");
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 2, "no owner name"))
        << all_text(result.errors);
}

TEST(ZoneFile, ParenthesesJoinLinesAndCommentsInsideAreIgnored) {
    auto result = read_text(
        "$TTL 300\n"
        "@ IN SOA ns hostmaster ( ; open\n"
        "   7    ; serial\n"
        "   1h 10m 1w\n"
        "   60 )\n"
        "  NS ns\n"
        "ns A 192.0.2.1\n"
        "t TXT ( \"a\"\n"
        "        \"b\" )\n");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(
        lines, "example. 300 IN SOA ns.example. hostmaster.example. 7 3600 600 604800 60"));
    EXPECT_TRUE(contains_record(lines, "t.example. 300 IN TXT \"a\" \"b\""));
    EXPECT_EQ(result.zone->records.back().where.line, 8u);  // where the record starts
}

TEST(ZoneFile, SemicolonAndParenthesisInsideQuotesAreText) {
    auto result =
        read_text(zone("t TXT \"a ; b ( c\" \"d \\\" e\" ; real comment (\n"
                       "u A 192.0.2.9\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "t.example. 300 IN TXT \"a ; b ( c\" \"d \\\" e\""))
        << lines.back();
    EXPECT_TRUE(contains_record(lines, "u.example. 300 IN A 192.0.2.9"));
}

TEST(ZoneFile, UnbalancedParenthesisNamesTheLine) {
    auto open = read_text(zone("www A ( 192.0.2.1\nx A 192.0.2.2\n"));
    EXPECT_FALSE(open.zone);
    EXPECT_TRUE(has_problem(open.errors, test_file, 6, "unbalanced parenthesis"))
        << all_text(open.errors);
    EXPECT_TRUE(has_problem(open.errors, test_file, 6, "'(' on line 6 is never closed"))
        << all_text(open.errors);

    auto close = read_text(zone("www A 192.0.2.1 )\n"));
    EXPECT_FALSE(close.zone);
    EXPECT_TRUE(has_problem(close.errors, test_file, 6, "unbalanced parenthesis"))
        << all_text(close.errors);
}

TEST(ZoneFile, UnterminatedQuoteNamesTheLine) {
    auto result = read_text(zone("t TXT \"abc\nu A 192.0.2.1\n"));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "unbalanced quotes"))
        << all_text(result.errors);
}

TEST(ZoneFile, UnknownTypeBadTtlBadRdataNameTheLine) {
    auto result = read_text(zone("a FOO 1\nb 1x A 192.0.2.1\nc A 192.0.2.300\nd MX mail\n"));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "unknown type 'FOO'"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 7, "bad TTL '1x'"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 8, "A: ")) << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 9, "MX: ")) << all_text(result.errors);
    EXPECT_EQ(result.errors.size(), 4u) << all_text(result.errors);
}

TEST(ZoneFile, MissingTypeAndBadOwner) {
    auto result = read_text(zone("a 300 IN\nb..c A 192.0.2.1\n"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "missing type"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 7, "bad name 'b..c'"))
        << all_text(result.errors);
}

TEST(ZoneFile, MetaTypesAndOtherClassesAreRefused) {
    auto result = read_text(zone("a IN ANY \\# 0\nb CH TXT \"x\"\nc AXFR \\# 0\n"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 8, "type AXFR cannot be used"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "cannot be used in a zone file"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 7, "class CH")) << all_text(result.errors);
}

TEST(ZoneFile, TtlUnitsAndEitherOrderOfTtlAndClass) {
    auto result =
        read_text(zone("a 1h30m IN A 192.0.2.1\nb IN 2d A 192.0.2.2\nc 1W A 192.0.2.3\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a.example. 5400 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "b.example. 172800 IN A 192.0.2.2"));
    EXPECT_TRUE(contains_record(lines, "c.example. 604800 IN A 192.0.2.3"));
}

TEST(ZoneFile, GenericRdataForKnownAndUnknownTypes) {
    auto result =
        read_text(zone("a A \\# 4 C0000201\nb TYPE65280 \\# 3 ABCDEF\nc TYPE1 10.0.0.1\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a.example. 300 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "b.example. 300 IN TYPE65280 \\# 3 ABCDEF"));
    EXPECT_TRUE(contains_record(lines, "c.example. 300 IN A 10.0.0.1"));
}

TEST(ZoneFile, TtlDirectiveIsTheDefault) {
    auto result =
        read_text(zone("a A 192.0.2.1\n$TTL 1h\nb A 192.0.2.2\nc 60 A 192.0.2.3\nd A 192.0.2.4\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a.example. 300 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "b.example. 3600 IN A 192.0.2.2"));
    EXPECT_TRUE(contains_record(lines, "c.example. 60 IN A 192.0.2.3"));
    EXPECT_TRUE(contains_record(lines, "d.example. 3600 IN A 192.0.2.4"));  // not the previous 60
}

TEST(ZoneFile, BadTtlDirective) {
    auto result = read_text("$TTL 1x\n$TTL\n$TTL 1 2\n");
    EXPECT_TRUE(has_problem(result.errors, test_file, 1, "bad TTL '1x' in $TTL"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 2, "$TTL without a value"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 3, "extra text after $TTL"));
}

TEST(ZoneFile, WithoutTtlDirectiveTheSoaMinimumIsTheDefaultWithAWarning) {
    auto result = read_text(
        "@ SOA ns hostmaster 1 3600 600 86400 120\n NS ns\nns 60 A 192.0.2.1\nx A 192.0.2.2\n");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "example. 120 IN NS ns.example."));
    EXPECT_TRUE(contains_record(lines, "x.example. 120 IN A 192.0.2.2"));
    EXPECT_TRUE(has_problem(result.warnings, test_file, 1, "SOA MINIMUM 120"))
        << all_text(result.warnings);
}

TEST(ZoneFile, WithoutAnyTtlTheFirstRecordIsAnError) {
    auto result = read_text("@ NS ns\n@ SOA ns hostmaster 1 3600 600 86400 120\n");
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 1, "no TTL specified"))
        << all_text(result.errors);
}

TEST(ZoneFile, WithoutTtlDirectiveThePreviousTtlIsUsedWithOneWarning) {
    auto result = read_text(
        "@ 3600 SOA ns hostmaster 1 3600 600 86400 120\n NS ns\nns 60 A 192.0.2.1\nx A "
        "192.0.2.2\n");
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "example. 3600 IN NS ns.example."));
    EXPECT_TRUE(contains_record(lines, "x.example. 60 IN A 192.0.2.2"));
    EXPECT_EQ(result.warnings.size(), 1u) << all_text(result.warnings);
    EXPECT_TRUE(has_problem(result.warnings, test_file, 2, "RFC 1035"));
}

TEST(ZoneFile, TtlAboveTwoToThe31IsZeroWithAWarning) {
    auto result = read_text(zone("a 2147483648 A 192.0.2.1\nb 2147483647 A 192.0.2.2\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "a.example. 0 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "b.example. 2147483647 IN A 192.0.2.2"));
    EXPECT_TRUE(has_problem(result.warnings, test_file, 6, "above 2147483647"));
}

TEST(ZoneFile, OriginDirectiveAndAt) {
    auto result = read_text(
        zone("$ORIGIN sub\n@ A 192.0.2.1\nwww A 192.0.2.2\n$ORIGIN other.example.\nx CNAME @\n"));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "sub.example. 300 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines, "www.sub.example. 300 IN A 192.0.2.2"));
    EXPECT_TRUE(contains_record(lines, "x.other.example. 300 IN CNAME other.example."));
}

TEST(ZoneFile, ApexIsTheFirstOriginDirectiveWhenNoneIsConfigured) {
    auto result = read_text("$ORIGIN example.\n" + zone(""), std::nullopt);
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_EQ(result.zone->apex, test::n("example."));
}

TEST(ZoneFile, NoOriginAtAllIsAnError) {
    auto result =
        read_text("$TTL 300\nexample. SOA ns.example. h.example. 1 2 3 4 5\n", std::nullopt);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 0, "no origin")) << all_text(result.errors);
}

TEST(ZoneFile, RelativeNameBeforeAnyOriginIsAnError) {
    auto result = read_text("$TTL 300\nwww A 192.0.2.1\nx.example. CNAME www\n$ORIGIN example.\n",
                            std::nullopt);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(
        has_problem(result.errors, test_file, 2, "'www' is relative but no origin is known"))
        << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 3, "CNAME: a name in the RDATA is relative"))
        << all_text(result.errors);
}

TEST(ZoneFile, UnknownDirective) {
    auto result = read_text(zone("$FOO bar\n"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "unknown directive '$FOO'"))
        << all_text(result.errors);
}

TEST(ZoneFile, IncludeResolvesAgainstTheIncludingFileAndRestoresOriginAndOwner) {
    auto includes = test::includes_from({
        {"zones/sub/a.inc",
         "@ A 192.0.2.10\nx A 192.0.2.11\n$ORIGIN deeper.example.\ny A 192.0.2.12\n$TTL 60\n"},
    });
    auto result = read_text(zone("before A 192.0.2.1\n$INCLUDE sub/a.inc inc ; comment\n  A "
                                 "192.0.2.2\nafter A 192.0.2.3\n"),
                            "example.", includes);
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    auto lines = lines_of(result);
    EXPECT_TRUE(contains_record(lines, "inc.example. 300 IN A 192.0.2.10"));
    EXPECT_TRUE(contains_record(lines, "x.inc.example. 300 IN A 192.0.2.11"));
    EXPECT_TRUE(contains_record(lines, "y.deeper.example. 300 IN A 192.0.2.12"));
    // After the include: owner and origin restored, $TTL kept (as named does).
    EXPECT_TRUE(contains_record(lines, "before.example. 60 IN A 192.0.2.2"));
    EXPECT_TRUE(contains_record(lines, "after.example. 60 IN A 192.0.2.3"));
    auto x = std::ranges::find_if(result.zone->records, [](const located_record& r) {
        return r.rr.owner == test::n("x.inc.example.");
    });
    ASSERT_NE(x, result.zone->records.end());
    EXPECT_EQ(x->where, (source_location{"zones/sub/a.inc", 2}));
}

TEST(ZoneFile, IncludeErrorsNameTheIncludedFile) {
    auto includes = test::includes_from({{"zones/bad.inc", "ok A 192.0.2.1\nbad A 1.2.3\n"}});
    auto result = read_text(zone("$INCLUDE bad.inc\n"), "example.", includes);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, "zones/bad.inc", 2, "A: ")) << all_text(result.errors);
}

TEST(ZoneFile, MissingIncludeFile) {
    auto result = read_text(zone("$INCLUDE nowhere.zone\n"), "example.", test::includes_from({}));
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(
        has_problem(result.errors, test_file, 6, "$INCLUDE file not found: zones/nowhere.zone"))
        << all_text(result.errors);
}

TEST(ZoneFile, IncludeLoopIsDetected) {
    auto includes = test::includes_from(
        {{"zones/a.inc", "$INCLUDE b.inc\n"}, {"zones/b.inc", "$INCLUDE ./a.inc\n"}});
    auto result = read_text(zone("$INCLUDE a.inc\n"), "example.", includes);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, "zones/b.inc", 1, "$INCLUDE loop: zones/a.inc"))
        << all_text(result.errors);
}

TEST(ZoneFile, IncludeDepthIsBounded) {
    auto includes = test::includes_from({{"zones/a.inc", "$INCLUDE b.inc\n"},
                                         {"zones/b.inc", "$INCLUDE c.inc\n"},
                                         {"zones/c.inc", "x A 192.0.2.1\n"}});
    zone_file_limits limits;
    limits.max_include_depth = 2;
    auto result = read_text(zone("$INCLUDE a.inc\n"), "example.", includes, limits);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, "zones/b.inc", 1, "nested more than 2 deep"))
        << all_text(result.errors);
}

TEST(ZoneFile, NoIncludesRefusesInclude) {
    auto result = read_text(zone("$INCLUDE x.zone\n"));
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "not allowed")) << all_text(result.errors);
}

TEST(ZoneFile, LineLengthIsBounded) {
    zone_file_limits limits;
    limits.max_line_length = 100;
    auto result = read_text(zone("t TXT \"" + std::string(200, 'x') + "\"\nok A 192.0.2.1\n"),
                            "example.", no_includes(), limits);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 6, "longer than 100"))
        << all_text(result.errors);
    EXPECT_EQ(result.errors.size(), 1u) << all_text(result.errors);
}

TEST(ZoneFile, RecordCountIsBounded) {
    zone_file_limits limits;
    limits.max_records = 5;
    auto result = read_text(zone("a A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\n"), "example.",
                            no_includes(), limits);
    EXPECT_FALSE(result.zone);
    EXPECT_TRUE(has_problem(result.errors, test_file, 8, "more than 5 records"))
        << all_text(result.errors);
}

TEST(ZoneFile, ErrorCountIsBounded) {
    zone_file_limits limits;
    limits.max_errors = 3;
    std::string text;
    for (int i = 0; i < 50; ++i)
        text += "x FOO 1\n";
    auto result = read_text(text, "example.", no_includes(), limits);
    EXPECT_EQ(result.errors.size(), 4u) << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.errors, test_file, 3, "too many errors"));
}

TEST(ZoneFile, CarriageReturnsAndEmptyLinesAreFine) {
    std::string text(zone("www A 192.0.2.80\r\n\r\n   \n; only a comment\n"));
    auto result = read_text(text);
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_EQ(result.zone->records.size(), 4u);
}

TEST(ZoneFile, ReadsFromDiskWithIncludesRelativeToTheFile) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("residns-zone-test-" + std::to_string(::getpid()));
    fs::create_directories(dir / "inc");
    std::ofstream(dir / "main.zone") << zone_head << "$INCLUDE inc/part.zone\n";
    std::ofstream(dir / "inc" / "part.zone") << "www A 192.0.2.80\n";
    auto result = read_zone_file((dir / "main.zone").string(), test::n("example."));
    ASSERT_TRUE(result.zone) << all_text(result.errors);
    EXPECT_TRUE(contains_record(lines_of(result), "www.example. 300 IN A 192.0.2.80"));
    EXPECT_EQ(result.zone->records.back().where.file, (dir / "inc" / "part.zone").string());

    auto missing = read_zone_file((dir / "absent.zone").string(), test::n("example."));
    EXPECT_FALSE(missing.zone);
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_NE(missing.errors[0].message.find("cannot read the zone file"), std::string::npos);
    auto directory = read_zone_file(dir.string(), test::n("example."));
    EXPECT_FALSE(directory.zone);
    fs::remove_all(dir);
}

TEST(ZoneFile, NothingThrowsOnGarbage) {
    const std::string inputs[] = {
        std::string("\0\0\0", 3),
        "(((((",
        ")))",
        "\"",
        "\\",
        "$",
        "$GENERATE",
        "$INCLUDE",
        "@",
        "@ SOA",
        "\xff\xfe\xfd A 1.2.3.4",
        "$ORIGIN .\n@ A 1.2.3.4",
        std::string(70000, 'a'),
        "$TTL 4294967296",
        "a TYPE999999 \\# 0",
        "a A \\# 5 0102",
    };
    for (const std::string& input : inputs) {
        EXPECT_NO_THROW({
            auto result = read_text(input);
            EXPECT_FALSE(result.zone);
        }) << input;
    }
}

}  // namespace
}  // namespace residns::zone
