// Tests of the loader's errors: each kind, with the exact line and column it reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/config/loader.hpp"
#include "test_support.hpp"

namespace residns::config {
namespace {

using ::testing::HasSubstr;
using testing::load;

// The single error of a file, which must not load.
config_error only_error(std::string_view yaml) {
    const auto result = load(yaml);
    EXPECT_FALSE(result.config);
    EXPECT_EQ(result.errors.size(), 1U);
    for (const auto& e : result.errors)
        SCOPED_TRACE(e.to_string());
    if (result.errors.empty()) return {};
    return result.errors.front();
}

// Asserts position and (part of) the message of the only error of `yaml`.
void expect_error(std::string_view yaml, int line, int column, std::string_view message) {
    SCOPED_TRACE(yaml);
    const auto e = only_error(yaml);
    EXPECT_EQ(e.file, "test.yaml");
    EXPECT_EQ(std::pair(e.line, e.column), std::pair(line, column)) << e.to_string();
    EXPECT_THAT(e.message, HasSubstr(std::string(message))) << e.to_string();
}

TEST(ConfigLoaderErrors, DuplicateKeyIsAnErrorWithItsPosition) {
    expect_error("threads: 2\nupstreams: []\nthreads: 4\n", 3, 1,
                 "duplicate key 'threads' (first at line 1, column 1)");
}

TEST(ConfigLoaderErrors, DuplicateNestedKeyIsAnErrorWithItsPosition) {
    expect_error(
        "upstreams: []\ntcp:\n  max_in_flight: 2\n  idle_timeout: 5s\n  max_in_flight: 3\n", 5, 3,
        "tcp: duplicate key 'max_in_flight' (first at line 3, column 3)");
    expect_error("upstreams: []\nlog: {level: info, level: debug}\n", 2, 20,
                 "log: duplicate key 'level' (first at line 2, column 7)");
}

TEST(ConfigLoaderErrors, DuplicateKeyInsideAListItemIsAnError) {
    expect_error(
        "upstreams: []\n"
        "forward_zones:\n"
        "  - zone: a.example\n"
        "    upstreams: [10.0.0.1]\n"
        "    zone: b.example\n",
        5, 5, "forward_zones: duplicate key 'zone' (first at line 3, column 5)");
}

TEST(ConfigLoaderErrors, UnknownKeySuggestsTheClosestKey) {
    expect_error("upstreams: []\nthread: 4\n", 2, 1,
                 "unknown key 'thread'; did you mean 'threads'?");
    expect_error("upstreams: []\nforwarding:\n  try_timout: 1s\n", 3, 3,
                 "forwarding: unknown key 'try_timout'; did you mean 'try_timeout'?");
}

TEST(ConfigLoaderErrors, UnknownKeyListsTheAllowedKeys) {
    expect_error("upstreams: []\ntcp:\n  backlog: 5\n", 3, 3,
                 "tcp: unknown key 'backlog'; allowed keys here: idle_timeout, max_in_flight, "
                 "max_connections, max_connections_per_client");
    expect_error("upstreams: []\nlocal_zones: {}\n", 2, 1,
                 "allowed keys here: listen, threads, edns_buffer_size, tcp, access_control, "
                 "rate_limit, rebinding_protection, upstreams, "
                 "forward_zones, forwarding, cache, zones, hosts_files, records, "
                 "records_add_ptr, resolv_conf, log, metrics, control");
}

TEST(ConfigLoaderErrors, KeysAreCaseSensitive) {
    expect_error("upstreams: []\nThreads: 4\n", 2, 1, "did you mean 'threads'?");
}

TEST(ConfigLoaderErrors, NonScalarKeyIsAnError) {
    expect_error("upstreams: []\n? [a, b]\n: 1\n", 2, 3, "a key must be a plain name, got a list");
}

TEST(ConfigLoaderErrors, MapWhereAListIsExpected) {
    expect_error("upstreams: []\nlisten:\n  address: 127.0.0.1\n", 3, 3,
                 "listen: expected a list, e.g. [127.0.0.1:53, \"[::1]:53\"], got a map");
}

TEST(ConfigLoaderErrors, ScalarWhereAListIsExpected) {
    expect_error("upstreams: 192.0.2.1\n", 1, 12,
                 "upstreams: expected a list, e.g. [192.0.2.1, \"[2001:db8::1]:5353\"], got "
                 "'192.0.2.1'");
}

TEST(ConfigLoaderErrors, ListWhereANumberIsExpected) {
    expect_error("upstreams: []\nthreads: [1, 2]\n", 2, 10,
                 "threads: expected a whole number, got a list");
}

TEST(ConfigLoaderErrors, ScalarWhereAMapIsExpected) {
    expect_error("upstreams: []\ntcp: 5\n", 2, 6,
                 "tcp: expected a map of keys (key: value), got '5'");
}

TEST(ConfigLoaderErrors, TopLevelMustBeAMap) {
    expect_error("- 127.0.0.1\n- 192.0.2.1\n", 1, 1,
                 "the file must be a map of keys (key: value), got a list");
    expect_error("hello\n", 1, 1, "the file must be a map of keys (key: value), got 'hello'");
}

TEST(ConfigLoaderErrors, MissingValueIsReportedAtTheKey) {
    // yaml-cpp puts the empty value's mark on the next line; the error points at the key.
    expect_error("upstreams: []\nthreads:\nlog: {level: info}\n", 2, 1,
                 "threads: has no value; expected a whole number");
    expect_error("upstreams: []\nthreads: ~\n", 2, 10, "threads: has no value");
}

TEST(ConfigLoaderErrors, OctalLookingIntegerIsAnError) {
    expect_error("upstreams: []\nthreads: 010\n", 2, 10,
                 "threads: '010' has a leading zero; write it without (numbers are decimal, "
                 "never octal)");
    expect_error("upstreams: []\ntcp:\n  max_in_flight: 0x10\n", 3, 18,
                 "tcp.max_in_flight: '0x10' is not a decimal whole number (expected 1..1024)");
}

TEST(ConfigLoaderErrors, OutOfRangeValuesNameTheRange) {
    expect_error("upstreams: []\nedns_buffer_size: 100\n", 2, 19,
                 "edns_buffer_size: '100' is out of range 512..4096");
    expect_error("upstreams: []\nthreads: 1025\n", 2, 10, "'1025' is out of range 0..1024");
    expect_error("upstreams: []\ntcp: {max_connections: 0}\n", 2, 24,
                 "tcp.max_connections: '0' is out of range 1..1000000");
    expect_error("upstreams: []\nforwarding: {edns_buffer_size: 8192}\n", 2, 32,
                 "forwarding.edns_buffer_size: '8192' is out of range 512..4096");
    expect_error("upstreams: []\nforwarding: {max_in_flight: -1}\n", 2, 29,
                 "forwarding.max_in_flight: '-1': write the number without a sign");
}

TEST(ConfigLoaderErrors, DurationWithoutUnitIsAnError) {
    expect_error("upstreams: []\ntcp:\n  idle_timeout: 10\n", 3, 17,
                 "tcp.idle_timeout: '10' needs a unit, e.g. 10s");
}

TEST(ConfigLoaderErrors, DurationOutOfRangeNamesTheRange) {
    expect_error("upstreams: []\nforwarding:\n  try_timeout: 10ms\n", 3, 16,
                 "forwarding.try_timeout: '10ms' is out of range 50ms..30s");
    expect_error("upstreams: []\nforwarding:\n  total_timeout: 2m\n", 3, 18,
                 "forwarding.total_timeout: '2m' is out of range 50ms..1m");
    expect_error("upstreams: []\nforwarding:\n  down_interval: 2h\n", 3, 18,
                 "'2h' is out of range 0s..1h");
}

TEST(ConfigLoaderErrors, TotalTimeoutShorterThanTryTimeoutIsAnError) {
    expect_error("upstreams: []\nforwarding:\n  try_timeout: 2s\n  total_timeout: 1s\n", 4, 18,
                 "forwarding: total_timeout (1s) must not be shorter than try_timeout (2s)");
    // Only try_timeout given: the default total_timeout (3s) is too short; point at try_timeout.
    expect_error("upstreams: []\nforwarding:\n  try_timeout: 5s\n", 3, 16,
                 "total_timeout (3s) must not be shorter than try_timeout (5s)");
}

TEST(ConfigLoaderErrors, BadAddressIsReportedAtItsListItem) {
    expect_error("upstreams: []\nlisten:\n  - 127.0.0.1\n  - localhost:53\n", 4, 5,
                 "listen: 'localhost' is not a numeric IPv4 or IPv6 address");
    expect_error("upstreams: [192.0.2.1, 192.0.2.300]\n", 1, 24,
                 "upstreams: '192.0.2.300' is not a numeric");
}

TEST(ConfigLoaderErrors, IPv6WithPortNeedsBrackets) {
    expect_error("upstreams: []\nlisten: [\"::ffff:127.0.0.1:53\"]\n", 2, 10,
                 "written [::ffff:127.0.0.1]:53");
    expect_error("upstreams: []\nlisten: [\"[::1\"]\n", 2, 10, "missing ']'");
}

TEST(ConfigLoaderErrors, PortZeroIsOnlyAllowedForListen) {
    expect_error("upstreams: [192.0.2.1:0]\n", 1, 13,
                 "upstreams: port of '192.0.2.1:0': '0' is out of range 1..65535");
    expect_error("upstreams: []\nlisten: [127.0.0.1:65536]\n", 2, 10,
                 "'65536' is out of range 0..65535");
}

TEST(ConfigLoaderErrors, DuplicateAddressesAreErrors) {
    expect_error("upstreams: []\nlisten: [127.0.0.1, \"127.0.0.1:53\"]\n", 2, 21,
                 "listen: '127.0.0.1:53' is listed twice (first at line 2, column 10)");
    expect_error("upstreams:\n  - \"[::1]\"\n  - 0::1\n", 3, 5,
                 "upstreams: '0::1' is listed twice (first at line 2, column 5)");
}

TEST(ConfigLoaderErrors, EmptyListenListIsAnError) {
    expect_error("upstreams: []\nlisten: []\n", 2, 9, "listen: needs at least one address");
}

TEST(ConfigLoaderErrors, ListItemOfTheWrongTypeIsAnError) {
    expect_error("upstreams: [[192.0.2.1]]\n", 1, 13,
                 "upstreams: expected an address such as 192.0.2.1 or 192.0.2.1:53, got a list");
}

TEST(ConfigLoaderErrors, UpstreamsWithoutValueIsAnError) {
    expect_error("upstreams:\nthreads: 1\n", 1, 1,
                 "upstreams: has no value; write `upstreams: []` for none, or remove the key");
}

TEST(ConfigLoaderErrors, DuplicateForwardZoneIsAnErrorAfterNormalization) {
    expect_error(
        "upstreams: []\n"
        "forward_zones:\n"
        "  - zone: corp.example\n"
        "    upstreams: [10.0.0.1]\n"
        "  - upstreams: [10.0.0.2]\n"
        "    zone: Corp.Example.\n",
        6, 11,
        "forward_zones.zone: zone 'corp.example.' is listed twice (first at line 3, column 11)");
}

TEST(ConfigLoaderErrors, ForwardZoneMissingKeysAreReportedAtTheEntry) {
    expect_error("upstreams: []\nforward_zones:\n  - zone: corp.example\n", 3, 5,
                 "forward_zones: missing key 'upstreams'");
    expect_error("upstreams: []\nforward_zones:\n  - upstreams: [10.0.0.1]\n", 3, 5,
                 "forward_zones: missing key 'zone'");
}

TEST(ConfigLoaderErrors, ForwardZoneProblemsAreErrors) {
    expect_error("upstreams: []\nforward_zones:\n  - {zone: corp.example, upstreams: []}\n", 3, 37,
                 "forward_zones.upstreams: needs at least one upstream");
    expect_error(
        "upstreams: []\nforward_zones:\n  - {zone: corp..example, upstreams: [10.0.0.1]}\n", 3, 12,
        "forward_zones.zone: 'corp..example' has an empty label");
    expect_error("upstreams: []\nforward_zones:\n  - corp.example\n", 3, 5,
                 "forward_zones: expected a map with keys zone and upstreams, got 'corp.example'");
    expect_error("upstreams: []\nforward_zones: {zone: corp.example}\n", 2, 16,
                 "forward_zones: expected a list");
    expect_error(
        "upstreams: []\nforward_zones:\n  - {zone: a.example, upstreams: [10.0.0.1], x: 1}\n", 3,
        46, "forward_zones: unknown key 'x'; allowed keys here: zone, upstreams");
}

TEST(ConfigLoaderErrors, UnknownLogLevelListsTheLevels) {
    expect_error("upstreams: []\nlog:\n  level: verbose\n", 3, 10,
                 "log.level: unknown level 'verbose'; use one of trace debug info warn error "
                 "critical off");
    expect_error("upstreams: []\nlog:\n  level: warning\n", 3, 10, "did you mean 'warn'?");
}

TEST(ConfigLoaderErrors, EmptyResolvConfPathIsAnError) {
    expect_error("resolv_conf: \"\"\n", 1, 14, "resolv_conf: the path is empty");
}

TEST(ConfigLoaderErrors, SyntaxErrorIsReportedWithItsPosition) {
    const auto e = only_error("threads: 1\nlisten: [127.0.0.1\nlog: {}\n");
    EXPECT_EQ(e.file, "test.yaml");
    EXPECT_GE(e.line, 2);
    EXPECT_GT(e.column, 0);
    EXPECT_THAT(e.message, HasSubstr("end of sequence flow not found"));

    expect_error("upstreams: []\nthreads: 1\n\ttcp: {}\n", 3, 1, "illegal tab");
    expect_error("upstreams: []\nlog: level: info\n", 2, 11, "illegal map value");
}

TEST(ConfigLoaderErrors, SecondDocumentIsAnError) {
    expect_error("threads: 1\nupstreams: []\n---\nthreads: 2\n", 4, 1,
                 "a second YAML document starts here");
}

// yaml-cpp 0.7's LoadAll never returns on these (found by fuzz_config); the loader stops after
// two documents and reports where the parser got stuck.
TEST(ConfigLoaderErrors, TextThatStopsTheYamlParserIsAnErrorNotAHang) {
    expect_error(",[", 1, 1, "the YAML parser cannot read past this point");
    expect_error(",#\n[", 1, 1, "the YAML parser cannot read past this point");
}

TEST(ConfigLoaderErrors, AllErrorsOfAFileAreReportedInOrder) {
    const auto result = load(
        "upstreams: []\n"
        "tcp:\n"
        "  idle_timeout: 10\n"
        "  idle_timeout: 10s\n"
        "threads: 01\n"
        "bogus: 1\n"
        "forwarding:\n"
        "  try_timeout: 1x\n"
        "log: {level: loud}\n");
    EXPECT_FALSE(result.config);
    std::vector<std::string> positions;
    for (const auto& e : result.errors)
        positions.push_back(e.to_string().substr(0, 15));
    EXPECT_EQ(positions,
              (std::vector<std::string>{"test.yaml:3:17:", "test.yaml:4:3: ", "test.yaml:5:10:",
                                        "test.yaml:6:1: ", "test.yaml:8:16:", "test.yaml:9:14:"}));
}

TEST(ConfigLoaderErrors, ErrorToStringIsCompilerStyle) {
    EXPECT_EQ(only_error("upstreams: []\nthreads: 2000\n").to_string(),
              "test.yaml:2:10: threads: '2000' is out of range 0..1024");
}

TEST(ConfigLoaderErrors, ControlCharactersAreAnError) {
    // yaml-cpp would stop reading at the NUL byte and ignore the rest of the file.
    expect_error(std::string_view("threads: 1\nlog: {}\0garbage: [", 29), 2, 8,
                 "the file contains the control character 0x00; is it a YAML text file?");
    expect_error("upstreams: []\nthreads: 1\x01\n", 2, 11, "control character 0x01");
}

TEST(ConfigLoaderErrors, BinaryGarbageIsAnErrorNotAnException) {
    std::string garbage;
    for (int i = 0; i < 4096; ++i)
        garbage += static_cast<char>((i * 37 + i / 7) % 256);
    const auto result = load(garbage);
    EXPECT_FALSE(result.config);
    EXPECT_FALSE(result.errors.empty());
}

TEST(ConfigLoaderErrors, DeeplyNestedInputIsAnErrorNotACrash) {
    const auto result = load(std::string(100'000, '['));
    EXPECT_FALSE(result.config);
    EXPECT_FALSE(result.errors.empty());
}

}  // namespace
}  // namespace residns::config
