// Keeps conf/residns.yaml, the annotated reference configuration, valid and in step with the
// loader: it must load, hold exactly the defaults, mention every key, and its commented-out
// examples must load too once uncommented.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/config/loader.hpp"
#include "residns/config/own_addresses.hpp"
#include "residns/config/resolv_conf.hpp"
#include "residns/zone/local_loader.hpp"

namespace residns::config {
namespace {

std::string reference_path() {
#ifdef RESIDNS_SOURCE_DIR
    return std::string(RESIDNS_SOURCE_DIR) + "/conf/residns.yaml";
#else
    // tests/config/this_file.cpp -> the repository root.
    return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "conf" /
            "residns.yaml")
        .string();
#endif
}

std::string reference_text() {
    std::ifstream in(reference_path());
    EXPECT_TRUE(in) << "cannot open " << reference_path();
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ReferenceConfig, LoadsAndHoldsExactlyTheDefaults) {
    const auto path = reference_path();
    const auto result = load_file(path);
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);

    daemon_config expected;
    expected.source = path;
    // The file leaves `upstreams` out on purpose: the default is resolv.conf's nameservers.
    expected.upstreams_from_resolv_conf = true;
    expected.upstream.upstreams =
        without_own_addresses(read_resolv_conf(expected.resolv_conf), expected.server.listen);
    EXPECT_EQ(*result.config, expected);
}

TEST(ReferenceConfig, DocumentsEveryKey) {
    const auto text = reference_text();
    for (const auto* key : {"listen:",        "threads:",       "edns_buffer_size:", "tcp:",
                            "idle_timeout:",  "max_in_flight:", "max_connections:",  "upstreams:",
                            "forward_zones:", "zone:",          "forwarding:",       "try_timeout:",
                            "total_timeout:", "down_interval:", "resolv_conf:",      "log:",
                            "level:",         "metrics:",       "enabled:",          "control:",
                            "socket:"}) {
        EXPECT_THAT(text, ::testing::HasSubstr(key));
    }
    for (const auto* key : {"cache:", "max_bytes:", "min_ttl:", "max_ttl:", "negative_max_ttl:",
                            "servfail_ttl:", "serve_stale:", "stale_max_age:", "prefetch:",
                            "minimal_responses:", "snapshot_file:", "snapshot_interval:", "zones:",
                            "origin:", "hosts_files:", "domain:", "records:", "records_add_ptr:"}) {
        EXPECT_THAT(text, ::testing::HasSubstr(key));
    }
    for (const auto* key :
         {"access_control:", "allow:", "deny:", "action:", "rate_limit:", "queries_per_second:",
          "burst:", "slip:", "ipv4_prefix:", "ipv6_prefix:", "table_size:", "rebinding_protection:",
          "allow_domains:", "private_addresses:"}) {
        EXPECT_THAT(text, ::testing::HasSubstr(key));
    }
}

TEST(ReferenceConfig, CommentedOutExamplesAreValid) {
    // Uncomment the example blocks ("# upstreams:" and "# forward_zones:" with their indented
    // "#   " lines) and load the result.
    std::istringstream in(reference_text());
    std::string out;
    std::string line;
    bool in_example = false;
    int uncommented = 0;
    while (std::getline(in, line)) {
        if (line.starts_with("# upstreams:") || line.starts_with("# forward_zones:") ||
            line.starts_with("# zones:") || line.starts_with("# hosts_files:") ||
            line.starts_with("# records:")) {
            in_example = true;
        } else if (!line.starts_with("#   ")) {
            in_example = false;
        }
        if (in_example) {
            line.erase(0, 2);
            ++uncommented;
        }
        out += line;
        out += '\n';
    }
    EXPECT_GE(uncommented, 19);
    const auto result = load_string(out, "uncommented.yaml");
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);
    EXPECT_FALSE(result.config->upstreams_from_resolv_conf);
    EXPECT_EQ(result.config->upstream.upstreams.size(), 3U);
    EXPECT_EQ(result.config->upstream.forward_zones.size(), 2U);
    const auto& local = result.config->local;
    ASSERT_EQ(local.zones.size(), 1U);
    EXPECT_EQ(local.zones[0].origin, "lan.");
    // Relative to the config file's directory; "uncommented.yaml" has none.
    EXPECT_EQ(local.zones[0].file, "zones/lan.zone");
    ASSERT_EQ(local.hosts_files.size(), 2U);
    EXPECT_EQ(local.hosts_files[0].file, "/etc/hosts");
    EXPECT_EQ(local.hosts_files[1].domain, "lan.");
    EXPECT_EQ(local.hosts_files[1].ttl, 60U);
    ASSERT_EQ(local.records.size(), 2U);
    EXPECT_EQ(local.records[1].text, "printer.lan. IN AAAA fd00::20");
    EXPECT_EQ(local.records[1].file, "uncommented.yaml");
    EXPECT_GT(local.records[1].line, 1U);
}

TEST(ReferenceConfig, LanExampleLoadsWithItsZonesAndHostsFile) {
    const auto path =
        (std::filesystem::path(reference_path()).parent_path() / "examples" / "lan.yaml").string();
    const auto result = load_file(path);
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);
    zone::local_loader loader;
    const auto outcome = loader.load(result.config->local);
    for (const auto& e : outcome.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(outcome.data);
    EXPECT_EQ(outcome.zones, 2U);
    const auto name = wire::name::from_text("dhcp-150.lan.").value();
    EXPECT_EQ(outcome.data->lookup(name.wire(), wire::rr_type::a, wire::rr_class::in).status,
              zone::local_status::answer);
}

}  // namespace
}  // namespace residns::config
