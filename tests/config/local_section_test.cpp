// The local-data keys: zones, hosts_files, records and records_add_ptr, their forms, their
// errors, and relative file names resolved against the config file's directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/config/loader.hpp"
#include "test_support.hpp"

namespace residns::config {
namespace {

using ::testing::HasSubstr;

TEST(LocalSection, ZonesHostsAndRecordsInEveryForm) {
    const auto result = load_string(R"(upstreams: []
zones:
  - file: /srv/lan.zone
    origin: LAN
  - file: /srv/other.zone
hosts_files:
  - /etc/hosts
  - {file: /srv/lan.hosts, domain: Lan., ttl: 60}
records:
  - "nas.lan. 300 IN A 192.168.1.10"
records_add_ptr: true
)",
                                    "/etc/residns/residns.yaml");
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config);
    const auto& local = result.config->local;
    ASSERT_EQ(local.zones.size(), 2U);
    EXPECT_EQ(local.zones[0], (zone::zone_file_settings{"/srv/lan.zone", "lan."}));
    EXPECT_EQ(local.zones[1], (zone::zone_file_settings{"/srv/other.zone", ""}));
    ASSERT_EQ(local.hosts_files.size(), 2U);
    EXPECT_EQ(local.hosts_files[0], (zone::hosts_file_settings{"/etc/hosts", "", 300}));
    EXPECT_EQ(local.hosts_files[1], (zone::hosts_file_settings{"/srv/lan.hosts", "lan.", 60}));
    ASSERT_EQ(local.records.size(), 1U);
    EXPECT_EQ(local.records[0].text, "nas.lan. 300 IN A 192.168.1.10");
    EXPECT_EQ(local.records[0].file, "/etc/residns/residns.yaml");
    EXPECT_EQ(local.records[0].line, 10U);
    EXPECT_TRUE(local.records_add_ptr);
}

TEST(LocalSection, RelativeFileNamesAreRelativeToTheConfigFile) {
    const auto result =
        load_string("upstreams: []\nzones: [{file: zones/lan.zone}]\nhosts_files: [lan.hosts]\n",
                    "/etc/residns/residns.yaml");
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->local.zones[0].file, "/etc/residns/zones/lan.zone");
    EXPECT_EQ(result.config->local.hosts_files[0].file, "/etc/residns/lan.hosts");
}

TEST(LocalSection, Defaults) {
    const auto result = load_string("upstreams: []\n", "test.yaml");
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->local, zone::settings{});
}

struct bad_case {
    const char* yaml;
    const char* message;
};

class LocalSectionErrors : public ::testing::TestWithParam<bad_case> {};

TEST_P(LocalSectionErrors, AreReportedWithThePosition) {
    const auto result = load_string(std::string("upstreams: []\n") + GetParam().yaml, "test.yaml");
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1U) << GetParam().yaml;
    EXPECT_EQ(result.errors[0].line, 2) << result.errors[0].to_string();
    EXPECT_THAT(result.errors[0].message, HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    All, LocalSectionErrors,
    ::testing::Values(bad_case{"zones: [{origin: lan}]", "missing key \"file\""},
                      bad_case{"zones: [{file: a.zone, origin: lan}, {file: b.zone, origin: LAN.}]",
                               "zone 'lan.' is listed twice"},
                      bad_case{"zones: [{file: a.zone, origin: 'bad label!'}]", "bad label"},
                      bad_case{"zones: [{file: a.zone, serial: 1}]", "serial"},
                      bad_case{"zones: [[a.zone]]", "expected a file name or a map"},
                      bad_case{"hosts_files: [{file: h, domain: .}]", "the root is not a domain"},
                      bad_case{"hosts_files: [{file: h, ttl: 1w}]", "whole number"},
                      bad_case{"hosts_files: [{file: ''}]", "the file name is empty"},
                      bad_case{"records: [{name: a}]", "expected a record"},
                      bad_case{"records: \"a. A 192.0.2.1\"", "expected a list"},
                      bad_case{"records_add_ptr: yes", "true or false"}));

}  // namespace
}  // namespace residns::config
