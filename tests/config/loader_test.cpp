// Tests of the loader: every key, the defaults, and the upstreams from resolv.conf.
#include "residns/config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/config/own_addresses.hpp"
#include "residns/config/resolv_conf.hpp"
#include "test_support.hpp"

namespace residns::config {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::load;
using testing::temp_dir;
using testing::with_no_upstreams;

daemon_config loaded(std::string_view yaml) {
    auto result = load(yaml);
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    return result.config.value_or(daemon_config{});
}

// The defaults, as a file without `upstreams` but with `upstreams: []` gives them.
daemon_config defaults_without_upstreams() {
    return daemon_config{.source = "test.yaml",
                         .server = {},
                         .upstream = {},
                         .log = {},
                         .resolv_conf = "/etc/resolv.conf",
                         .upstreams_from_resolv_conf = false};
}

TEST(ConfigLoader, EmptyFileGivesTheDefaults) {
    const temp_dir dir;
    const auto resolv = dir.write("resolv.conf", "");
    // The defaults of every key except resolv_conf, which must not be the host's here.
    auto config = loaded("resolv_conf: " + resolv);
    auto expected = defaults_without_upstreams();
    expected.resolv_conf = resolv;
    expected.upstreams_from_resolv_conf = true;
    EXPECT_EQ(config, expected);

    const auto empty = load("");
    ASSERT_TRUE(empty.config) << empty.errors.front().to_string();
    EXPECT_THAT(empty.errors, IsEmpty());
    EXPECT_EQ(empty.config->server, server::settings{});
    EXPECT_EQ(empty.config->log, log_settings{});
    EXPECT_EQ(empty.config->resolv_conf, "/etc/resolv.conf");
    EXPECT_TRUE(empty.config->upstreams_from_resolv_conf);
}

TEST(ConfigLoader, DefaultsMatchTheDocumentedValues) {
    const auto config = loaded("upstreams: []\n");
    EXPECT_EQ(config.server.listen,
              (std::vector<server::listen_address>{{"127.0.0.1", 53}, {"::1", 53}}));
    EXPECT_EQ(config.server.threads, 0U);
    EXPECT_EQ(config.server.edns_udp_size, 1232);
    EXPECT_EQ(config.server.tcp.idle_timeout, 10s);
    EXPECT_EQ(config.server.tcp.max_in_flight_per_connection, 32U);
    EXPECT_EQ(config.server.tcp.max_connections, 1024U);
    EXPECT_THAT(config.upstream.upstreams, IsEmpty());
    EXPECT_THAT(config.upstream.forward_zones, IsEmpty());
    EXPECT_EQ(config.upstream.try_timeout, 1s);
    EXPECT_EQ(config.upstream.total_timeout, 3s);
    EXPECT_EQ(config.upstream.down_interval, 5s);
    EXPECT_EQ(config.upstream.max_in_flight, 4096U);
    EXPECT_EQ(config.upstream.edns_udp_size, 1232);
    EXPECT_EQ(config.log.level, "info");
    EXPECT_EQ(config.resolv_conf, "/etc/resolv.conf");
    EXPECT_FALSE(config.upstreams_from_resolv_conf);
    EXPECT_EQ(config.cache.max_bytes, 64U * 1024 * 1024);
    EXPECT_EQ(config.cache.min_ttl, 0U);
    EXPECT_EQ(config.cache.max_ttl, 86400U);
    EXPECT_EQ(config.cache.negative_max_ttl, 3600U);
    EXPECT_EQ(config.cache.servfail_ttl, 5U);
    EXPECT_TRUE(config.cache.serve_stale);
    EXPECT_EQ(config.cache.stale_max_age, 86400U);
    EXPECT_TRUE(config.cache.prefetch);
    EXPECT_TRUE(config.cache.minimal_responses);
    EXPECT_EQ(config.cache.snapshot_file, "");
    EXPECT_EQ(config.cache.snapshot_interval, 0s);
}

TEST(ConfigLoader, CacheSectionIsParsed) {
    const auto config = loaded(R"(
upstreams: []
cache:
  max_bytes: 512KiB
  min_ttl: 10s
  max_ttl: 1h
  negative_max_ttl: 5m
  servfail_ttl: 2s
  serve_stale: false
  stale_max_age: 2h
  prefetch: false
  minimal_responses: false
  snapshot_file: /var/lib/residns/cache.snapshot
  snapshot_interval: 10m
)");
    cache::settings expected;
    expected.max_bytes = 512U * 1024;
    expected.min_ttl = 10;
    expected.max_ttl = 3600;
    expected.negative_max_ttl = 300;
    expected.servfail_ttl = 2;
    expected.serve_stale = false;
    expected.stale_max_age = 7200;
    expected.prefetch = false;
    expected.minimal_responses = false;
    expected.snapshot_file = "/var/lib/residns/cache.snapshot";
    expected.snapshot_interval = 600s;
    EXPECT_EQ(config.cache, expected);
    EXPECT_EQ(loaded("upstreams: []\ncache:\n  max_bytes: 1GiB\n").cache.max_bytes, 1ULL << 30);
    EXPECT_EQ(loaded("upstreams: []\ncache:\n  max_bytes: 65536\n").cache.max_bytes, 65536U);
}

TEST(ConfigLoader, CacheSectionRejectsBadValues) {
    const auto error_of = [](std::string_view yaml) {
        const auto result = load(yaml);
        EXPECT_FALSE(result.config) << yaml;
        return result.errors.empty() ? std::string() : result.errors.front().message;
    };
    EXPECT_THAT(error_of("cache:\n  max_bytes: 1KiB\n"), HasSubstr("out of range"));
    EXPECT_THAT(error_of("cache:\n  max_bytes: 64MB\n"), HasSubstr("unknown unit"));
    EXPECT_THAT(error_of("cache:\n  min_ttl: 1500ms\n"), HasSubstr("whole seconds"));
    EXPECT_THAT(error_of("cache:\n  max_ttl: 30d\n"), HasSubstr("out of range"));
    EXPECT_THAT(error_of("cache:\n  serve_stale: yes\n"), HasSubstr("true or false"));
    EXPECT_THAT(error_of("cache:\n  min_ttl: 2h\n  max_ttl: 1h\n"),
                HasSubstr("must not be larger than max_ttl"));
    EXPECT_THAT(error_of("cache:\n  sizes: 1\n"), HasSubstr("sizes"));
    EXPECT_THAT(error_of("cache:\n  snapshot_file: cache.snapshot\n"),
                HasSubstr("an absolute path"));
    EXPECT_THAT(error_of("cache:\n  snapshot_interval: 2d\n"), HasSubstr("out of range"));
    EXPECT_THAT(error_of("cache:\n  snapshot_interval: 1500ms\n"), HasSubstr("whole seconds"));
}

TEST(ConfigLoader, CommentOnlyFileGivesTheDefaults) {
    const auto result = load("# nothing here\n\n   # still nothing\n");
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->server, server::settings{});
}

TEST(ConfigLoader, EveryKeyIsParsed) {
    const auto config = loaded(R"(
listen:
  - 192.0.2.10:5300
  - "[2001:db8::10]:5301"
  - 192.0.2.11
threads: 8
edns_buffer_size: 1400
tcp:
  idle_timeout: 1m30s
  max_in_flight: 64
  max_connections: 5000
  max_connections_per_client: 7
upstreams:
  - 192.0.2.1
  - 192.0.2.2:5353
  - "[2001:db8::53]"
  - "[2001:db8::54]:5354"
forward_zones:
  - zone: Corp.Example
    upstreams: [10.0.0.53, "[fd00::53]:5353"]
  - zone: 10.in-addr.arpa.
    upstreams:
      - 10.0.0.54
forwarding:
  try_timeout: 500ms
  total_timeout: 2s
  down_interval: 30s
  max_in_flight: 100
  edns_buffer_size: 4096
resolv_conf: /run/resolv.conf
log:
  level: debug
)");
    const daemon_config expected{
        .source = "test.yaml",
        .server = {.listen = {{"192.0.2.10", 5300}, {"2001:db8::10", 5301}, {"192.0.2.11", 53}},
                   .threads = 8,
                   .edns_udp_size = 1400,
                   .tcp = {.idle_timeout = 90s,
                           .max_in_flight_per_connection = 64,
                           .max_connections = 5000,
                           .max_connections_per_client = 7}},
        .upstream = {.upstreams = {{"192.0.2.1", 53},
                                   {"192.0.2.2", 5353},
                                   {"2001:db8::53", 53},
                                   {"2001:db8::54", 5354}},
                     .forward_zones = {{"corp.example.", {{"10.0.0.53", 53}, {"fd00::53", 5353}}},
                                       {"10.in-addr.arpa.", {{"10.0.0.54", 53}}}},
                     .try_timeout = 500ms,
                     .total_timeout = 2s,
                     .down_interval = 30s,
                     .edns_udp_size = 4096,
                     .max_in_flight = 100},
        .log = {.level = "debug"},
        .resolv_conf = "/run/resolv.conf",
        .upstreams_from_resolv_conf = false};
    EXPECT_EQ(config, expected);
}

TEST(ConfigLoader, FlowStyleMapsAndListsAreAccepted) {
    const auto config =
        loaded("{listen: [127.0.0.1:5353], tcp: {max_in_flight: 2}, upstreams: [192.0.2.1]}");
    EXPECT_EQ(config.server.listen, (std::vector<server::listen_address>{{"127.0.0.1", 5353}}));
    EXPECT_EQ(config.server.tcp.max_in_flight_per_connection, 2U);
}

TEST(ConfigLoader, ListenPortDefaultsTo53AndMayBeZero) {
    const auto config = loaded(with_no_upstreams(
        "listen: [127.0.0.1, \"[::1]\", 127.0.0.2:0, 127.0.0.2:0, \"[::1]:0\", \"::2\"]"));
    EXPECT_EQ(config.server.listen, (std::vector<server::listen_address>{{"127.0.0.1", 53},
                                                                         {"::1", 53},
                                                                         {"127.0.0.2", 0},
                                                                         {"127.0.0.2", 0},
                                                                         {"::1", 0},
                                                                         {"::2", 53}}));
}

TEST(ConfigLoader, QuotedNumbersAreReadAsDecimal) {
    const auto config = loaded(with_no_upstreams("threads: \"8\"\nedns_buffer_size: '1400'"));
    EXPECT_EQ(config.server.threads, 8U);
    EXPECT_EQ(config.server.edns_udp_size, 1400);
}

TEST(ConfigLoader, EmptySectionMeansItsDefaults) {
    // A section whose keys are all commented out is null in YAML.
    const auto config =
        loaded(with_no_upstreams("tcp:\n  # idle_timeout: 5s\nforwarding:\nlog:\n"));
    EXPECT_EQ(config.server.tcp, server::tcp_settings{});
    EXPECT_EQ(config.log, log_settings{});
}

TEST(ConfigLoader, ForwardZonesWithoutValueMeansNone) {
    EXPECT_THAT(loaded(with_no_upstreams("forward_zones:\n")).upstream.forward_zones, IsEmpty());
    EXPECT_THAT(loaded(with_no_upstreams("forward_zones: []\n")).upstream.forward_zones, IsEmpty());
}

TEST(ConfigLoader, ZoneNamesAreNormalized) {
    const auto config =
        loaded(with_no_upstreams("forward_zones:\n"
                                 "  - {zone: CORP.Example, upstreams: [10.0.0.1]}\n"
                                 "  - {zone: ., upstreams: [10.0.0.2]}\n"
                                 "  - {zone: \"sub.corp.example.\", upstreams: [10.0.0.3]}\n"));
    ASSERT_EQ(config.upstream.forward_zones.size(), 3U);
    EXPECT_EQ(config.upstream.forward_zones[0].zone, "corp.example.");
    EXPECT_EQ(config.upstream.forward_zones[1].zone, ".");
    EXPECT_EQ(config.upstream.forward_zones[2].zone, "sub.corp.example.");
}

TEST(ConfigLoader, LogLevelIsCaseInsensitive) {
    EXPECT_EQ(loaded(with_no_upstreams("log: {level: WARN}")).log.level, "warn");
    EXPECT_EQ(loaded(with_no_upstreams("log: {level: off}")).log.level, "off");
}

TEST(ConfigLoader, EmptyUpstreamsListIsAllowedAndResolvConfIsNotRead) {
    const temp_dir dir;
    const auto resolv = dir.write("resolv.conf", "nameserver 192.0.2.1\n");
    const auto result = load("upstreams: []\nresolv_conf: " + resolv);
    ASSERT_TRUE(result.config);
    EXPECT_THAT(result.config->upstream.upstreams, IsEmpty());
    EXPECT_FALSE(result.config->upstreams_from_resolv_conf);
    EXPECT_THAT(result.warnings, IsEmpty());
}

TEST(ConfigLoader, AbsentUpstreamsComeFromResolvConfWithoutOwnAddresses) {
    const temp_dir dir;
    const auto resolv =
        dir.write("resolv.conf", "nameserver 127.0.0.1\nnameserver 192.0.2.1\nnameserver ::1\n");
    const auto result = load("listen: [127.0.0.1:53]\nresolv_conf: " + resolv);
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->upstream.upstreams,
              (std::vector<upstream::endpoint>{{"192.0.2.1", 53}, {"::1", 53}}));
    EXPECT_TRUE(result.config->upstreams_from_resolv_conf);
    EXPECT_THAT(result.warnings, IsEmpty());
}

TEST(ConfigLoader, ResolvConfWithOnlyOwnAddressesIsAWarningNotAnError) {
    const temp_dir dir;
    const auto resolv = dir.write("resolv.conf", "nameserver 127.0.0.1\n");
    const auto result = load("resolv_conf: " + resolv);
    ASSERT_TRUE(result.config);
    EXPECT_THAT(result.config->upstream.upstreams, IsEmpty());
    EXPECT_TRUE(result.config->upstreams_from_resolv_conf);
    ASSERT_EQ(result.warnings.size(), 1U);
    EXPECT_EQ(result.warnings[0].file, resolv);
    EXPECT_THAT(result.warnings[0].message, HasSubstr("residns's own listen addresses"));
    EXPECT_THAT(result.warnings[0].message, HasSubstr("SERVFAIL"));
}

TEST(ConfigLoader, UnreadableResolvConfIsAWarningNotAnError) {
    const temp_dir dir;
    const auto resolv = dir.path("absent.conf");
    const auto result = load("resolv_conf: " + resolv);
    ASSERT_TRUE(result.config);
    EXPECT_THAT(result.config->upstream.upstreams, IsEmpty());
    ASSERT_EQ(result.warnings.size(), 1U);
    EXPECT_EQ(result.warnings[0].to_string(),
              resolv +
                  ": cannot read the file (No such file or directory); there are no default "
                  "upstreams, so forwarded names get SERVFAIL");
}

TEST(ConfigLoader, ResolvConfWithoutNameserversIsAWarning) {
    const temp_dir dir;
    const auto resolv = dir.write("resolv.conf", "search example\n");
    const auto result = load("resolv_conf: " + resolv);
    ASSERT_TRUE(result.config);
    ASSERT_EQ(result.warnings.size(), 1U);
    EXPECT_THAT(result.warnings[0].message, HasSubstr("no usable nameserver line"));
}

TEST(ConfigLoader, WildcardListenRemovesLoopbackNameservers) {
    const temp_dir dir;
    const auto resolv = dir.write("resolv.conf", "nameserver 127.0.0.53\nnameserver 192.0.2.1\n");
    const auto config = loaded("listen: [\"[::]:53\"]\nresolv_conf: " + resolv);
    EXPECT_EQ(config.upstream.upstreams, (std::vector<upstream::endpoint>{{"192.0.2.1", 53}}));
}

TEST(ConfigLoader, LoadFileReadsTheFileAndRecordsItsPath) {
    const temp_dir dir;
    const auto path = dir.write("residns.yaml", "threads: 3\nupstreams: []\n");
    const auto result = load_file(path);
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->source, path);
    EXPECT_EQ(result.config->server.threads, 3U);
}

TEST(ConfigLoader, LoadFileOnAMissingFileNamesTheFile) {
    const temp_dir dir;
    const auto path = dir.path("nope.yaml");
    const auto result = load_file(path);
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1U);
    EXPECT_EQ(result.errors[0].file, path);
    EXPECT_EQ(result.errors[0].line, 0);
    EXPECT_EQ(result.errors[0].to_string(),
              path + ": cannot read the config file: No such file or directory");
}

TEST(ConfigLoader, LoadFileOnADirectoryIsAnError) {
    const temp_dir dir;
    const auto result = load_file(dir.path(""));
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1U);
    EXPECT_THAT(result.errors[0].message, HasSubstr("Is a directory"));
}

}  // namespace
}  // namespace residns::config
