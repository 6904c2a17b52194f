// /etc/hosts reading: forward A/AAAA for every name, one PTR per address to the first name,
// domain appended to bare names, and bad lines skipped with a warning naming the line.
#include "residns/zone/hosts_file.hpp"

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

const std::string hosts = "/etc/hosts";

hosts_result read(std::string_view text, hosts_options options = {}) {
    return read_hosts_text(text, hosts, options);
}

TEST(HostsFile, ForwardAndReverseRecords) {
    auto result = read(
        "127.0.0.1\tlocalhost\n"
        "192.168.1.10  nas.lan nas   files.lan # the NAS\n"
        "\n"
        "# a comment line\n"
        "fd00::10 nas.lan\n");
    EXPECT_TRUE(result.errors.empty()) << all_text(result.errors);
    EXPECT_TRUE(result.warnings.empty()) << all_text(result.warnings);
    auto lines = lines_of(result.records);
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "localhost. 300 IN A 127.0.0.1",
                         "nas.lan. 300 IN A 192.168.1.10",
                         "nas. 300 IN A 192.168.1.10",
                         "files.lan. 300 IN A 192.168.1.10",
                         "nas.lan. 300 IN AAAA fd00::10",
                         "1.0.0.127.in-addr.arpa. 300 IN PTR localhost.",
                         "10.1.168.192.in-addr.arpa. 300 IN PTR nas.lan.",
                         "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa."
                         " 300 IN PTR nas.lan.",
                     }));
    EXPECT_EQ(result.records[1].where, (source_location{hosts, 2}));
    EXPECT_EQ(result.records[6].where, (source_location{hosts, 2}));
}

TEST(HostsFile, DomainIsAppendedToBareNamesOnly) {
    auto result = read("192.168.1.10 nas nas.other.net printer.\n", {.domain = test::n("lan.")});
    auto lines = lines_of(result.records);
    EXPECT_TRUE(contains_record(lines, "nas.lan. 300 IN A 192.168.1.10"));
    EXPECT_TRUE(contains_record(lines, "nas.other.net. 300 IN A 192.168.1.10"));
    EXPECT_TRUE(contains_record(lines, "printer. 300 IN A 192.168.1.10"));
    EXPECT_TRUE(contains_record(lines, "10.1.168.192.in-addr.arpa. 300 IN PTR nas.lan."));
}

TEST(HostsFile, TtlOption) {
    auto result = read("192.0.2.1 a\n", {.ttl = 42});
    EXPECT_TRUE(contains_record(lines_of(result.records), "a. 42 IN A 192.0.2.1"));
    EXPECT_TRUE(contains_record(lines_of(result.records), "1.2.0.192.in-addr.arpa. 42 IN PTR a."));
}

TEST(HostsFile, FirstLineWinsThePtrAndDuplicatesCollapse) {
    auto result = read("192.0.2.1 first\n192.0.2.1 second\n192.0.2.1 first\n");
    auto lines = lines_of(result.records);
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "first. 300 IN A 192.0.2.1",
                         "second. 300 IN A 192.0.2.1",
                         "1.2.0.192.in-addr.arpa. 300 IN PTR first.",
                     }));
}

TEST(HostsFile, NoPtrWhenAsked) {
    auto result = read("192.0.2.1 a\n", {.add_ptr = false});
    EXPECT_EQ(result.records.size(), 1u);
}

TEST(HostsFile, BadLinesAreSkippedWithAWarning) {
    auto result = read(
        "192.0.2.300 bad-address\n"
        "192.0.2.1\n"
        "192.0.2.2 good a..b\n"
        "::ffff:192.0.2.3 mapped\n"
        "fe80::1%eth0 scoped\n"
        "192.0.2.4 " +
        std::string(64, 'x') +
        "\n"
        "10.0.0.1 fine\n");
    EXPECT_TRUE(result.errors.empty()) << all_text(result.errors);
    EXPECT_TRUE(has_problem(result.warnings, hosts, 1, "bad address '192.0.2.300'"))
        << all_text(result.warnings);
    EXPECT_TRUE(has_problem(result.warnings, hosts, 2, "without a name"));
    EXPECT_TRUE(has_problem(result.warnings, hosts, 3, "bad name 'a..b'"));
    EXPECT_TRUE(has_problem(result.warnings, hosts, 4, "IPv4-mapped"));
    EXPECT_TRUE(has_problem(result.warnings, hosts, 5, "scope"));
    EXPECT_TRUE(has_problem(result.warnings, hosts, 6, "bad name"));
    EXPECT_EQ(lines_of(result.records),
              (std::vector<std::string>{"fine. 300 IN A 10.0.0.1",
                                        "1.0.0.10.in-addr.arpa. 300 IN PTR fine."}));
}

TEST(HostsFile, ReverseNames) {
    EXPECT_EQ(reverse_name_v4({10, 1, 2, 3}).to_text(), "3.2.1.10.in-addr.arpa.");
    std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8};
    v6[15] = 0xab;
    EXPECT_EQ(reverse_name_v6(v6).to_text(),
              "b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
}

TEST(HostsFile, RecordCountIsBounded) {
    auto result = read("192.0.2.1 a b c d\n", {.add_ptr = false, .max_records = 2});
    EXPECT_TRUE(has_problem(result.errors, hosts, 1, "more than 2 records"))
        << all_text(result.errors);
}

TEST(HostsFile, ReadsFromDisk) {
    namespace fs = std::filesystem;
    const fs::path file =
        fs::temp_directory_path() / ("residns-hosts-test-" + std::to_string(::getpid()));
    std::ofstream(file) << "192.0.2.1 a\n";
    auto result = read_hosts_file(file.string(), {});
    fs::remove(file);
    EXPECT_EQ(result.records.size(), 2u);
    EXPECT_EQ(result.records[0].where.file, file.string());

    auto missing = read_hosts_file(file.string(), {});
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_NE(missing.errors[0].message.find("cannot read the hosts file"), std::string::npos);
}

TEST(HostsFile, NothingThrowsOnGarbage) {
    for (std::string input :
         {std::string("\0\0 \0", 4), std::string("\xff\xfe 1.2.3.4"), std::string(100000, 'a'),
          std::string("1.2.3.4 \\"), std::string("::1 a\\.b")}) {
        EXPECT_NO_THROW(read(input)) << input;
    }
}

}  // namespace
}  // namespace residns::zone
