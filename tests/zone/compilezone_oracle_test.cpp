// named-compilezone (bind9-utils) is the reference for what a zone file means: for each test
// zone, the records read_zone_file returns must equal, octet for octet and TTL for TTL, what
// `named-compilezone -s full` prints; and files named refuses must be refused here too.
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "residns/wire/presentation.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/zone_file.hpp"

namespace residns::zone {
namespace {

constexpr const char* compilezone = "/usr/bin/named-compilezone";
const std::string data_dir = RESIDNS_ZONE_TEST_DATA;

struct run_result {
    int status = -1;
    std::string out;
};

// Runs named-compilezone from the data directory (so $INCLUDE paths resolve as ours do).
run_result run_compilezone(const std::string& origin, const std::string& file) {
    const std::string command = std::string(compilezone) + " -s full -i none -k ignore -w '" +
                                data_dir + "' -o - '" + origin + "' '" + file + "' 2>/dev/null";
    run_result result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.out.append(buffer.data(), got);
    result.status = pclose(pipe);
    return result;
}

// One comparable line per record: lower-cased owner, TTL, class, type, RDATA in hex.
std::string key_of(const wire::record& rr) {
    return rr.owner.lowered().to_text() + " " + std::to_string(rr.ttl) + " " +
           std::to_string(rr.rr_class) + " " + std::to_string(rr.type) + " " +
           wire::to_hex(rr.data.bytes());
}

std::vector<std::string> compilezone_records(const std::string& output) {
    std::vector<std::string> keys;
    std::size_t pos = 0;
    while (pos < output.size()) {
        std::size_t end = output.find('\n', pos);
        if (end == std::string::npos) end = output.size();
        const std::string line = output.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line.front() == ';') continue;
        auto rr = wire::record_from_text(line, wire::record_text_defaults{});
        EXPECT_TRUE(rr) << "cannot parse named-compilezone's line: " << line << ": " << rr.error;
        if (rr) keys.push_back(key_of(*rr.value));
    }
    std::ranges::sort(keys);
    return keys;
}

bool have_compilezone() {
    return std::filesystem::exists(compilezone);
}

struct oracle_case {
    const char* file;
    const char* origin;
    bool origin_in_config;  // pass the origin to read_zone_file (else the file's $ORIGIN)
};

class CompilezoneOracle : public testing::TestWithParam<oracle_case> {};

TEST_P(CompilezoneOracle, SameRecordsAsNamedCompilezone) {
    if (!have_compilezone())
        GTEST_SKIP() << compilezone << " is not installed (apt install bind9-utils)";
    const oracle_case& c = GetParam();
    const run_result named = run_compilezone(c.origin, c.file);
    ASSERT_EQ(named.status, 0) << "named-compilezone refused " << c.file;
    const std::vector<std::string> expected = compilezone_records(named.out);
    ASSERT_FALSE(expected.empty());

    std::optional<wire::name> origin;
    if (c.origin_in_config) origin = wire::name::from_text(c.origin);
    const zone_file_result ours = read_zone_file(data_dir + "/" + c.file, origin);
    for (const source_error& e : ours.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(ours.zone.has_value());
    EXPECT_EQ(ours.zone->apex, *wire::name::from_text(c.origin));
    std::vector<std::string> actual;
    for (const located_record& rec : ours.zone->records)
        actual.push_back(key_of(rec.rr));
    std::ranges::sort(actual);

    std::vector<std::string> missing, extra;
    std::ranges::set_difference(expected, actual, std::back_inserter(missing));
    std::ranges::set_difference(actual, expected, std::back_inserter(extra));
    for (const std::string& m : missing)
        ADD_FAILURE() << "named-compilezone has, residns lacks: " << m;
    for (const std::string& x : extra)
        ADD_FAILURE() << "residns has, named-compilezone lacks: " << x;
    EXPECT_EQ(actual.size(), expected.size());
}

INSTANTIATE_TEST_SUITE_P(Zones, CompilezoneOracle,
                         testing::Values(oracle_case{"every-feature.zone", "example.test.", false},
                                         oracle_case{"every-feature.zone", "example.test.", true},
                                         oracle_case{"lan.zone", "lan.", true},
                                         oracle_case{"reverse.zone", "168.192.in-addr.arpa.",
                                                     false},
                                         oracle_case{"rfc1035-ttl.zone", "ttl.test.", true},
                                         oracle_case{"rfc1035-prev-ttl.zone", "prev.test.", false}),
                         [](const testing::TestParamInfo<oracle_case>& param) {
                             std::string name = param.param.file;
                             name = name.substr(0, name.find('.'));
                             std::ranges::replace(name, '-', '_');
                             return name + (param.param.origin_in_config ? "_configured_origin"
                                                                         : "_file_origin");
                         });

class CompilezoneRejects : public testing::TestWithParam<const char*> {};

TEST_P(CompilezoneRejects, BothRefuseTheZone) {
    if (!have_compilezone())
        GTEST_SKIP() << compilezone << " is not installed (apt install bind9-utils)";
    const std::string file = std::string("bad/") + GetParam();
    const run_result named = run_compilezone("bad.test.", file);
    EXPECT_NE(named.status, 0) << "named-compilezone accepted " << file;
    const zone_file_result ours =
        read_zone_file(data_dir + "/" + file, wire::name::from_text("bad.test."));
    EXPECT_FALSE(ours.zone.has_value());
    EXPECT_FALSE(ours.errors.empty());
}

INSTANTIATE_TEST_SUITE_P(BadZones, CompilezoneRejects,
                         testing::Values("cname-and-other.zone", "no-soa.zone", "no-ns.zone",
                                         "soa-not-apex.zone", "two-cnames.zone", "no-ttl.zone",
                                         "unknown-type.zone", "class-mismatch.zone",
                                         "unbalanced.zone", "unbalanced-quotes.zone",
                                         "bad-address.zone", "missing-include.zone",
                                         "bad-generate-range.zone"),
                         [](const testing::TestParamInfo<const char*>& param) {
                             std::string name = param.param;
                             name = name.substr(0, name.find('.'));
                             std::ranges::replace(name, '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace residns::zone
