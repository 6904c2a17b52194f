// Loading and reloading local data from files: start-up refuses any error, a reload keeps the
// last good content of a source that no longer reads, and config records are located by the
// config file's line.
#include "residns/zone/local_loader.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/wire/name.hpp"

namespace residns::zone {
namespace {

using ::testing::HasSubstr;

class LocalLoaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = ::testing::TempDir() + "residns-loader-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        const auto path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }

    static std::string zone_text(const std::string& extra) {
        return "$TTL 300\n@ IN SOA ns hostmaster 1 3600 900 604800 300\n@ IN NS ns\n"
               "ns IN A 192.168.1.1\n" +
               extra;
    }

    static local_status status_of(const load_outcome& o, const char* name, std::uint16_t type) {
        const auto n = wire::name::from_text(name).value();
        return o.data->lookup(n.wire(), type, wire::rr_class::in).status;
    }

    std::filesystem::path dir_;
};

TEST_F(LocalLoaderTest, LoadsZonesHostsAndRecords) {
    settings config;
    config.zones.push_back({write("lan.zone", zone_text("nas IN A 192.168.1.10\n")), "lan."});
    config.hosts_files.push_back({write("h.hosts", "192.168.2.5 box\n"), "home.", 60});
    config.records.push_back({"x.example. 60 IN A 192.0.2.1", "residns.yaml", 12});
    config.records_add_ptr = true;
    local_loader loader;
    const auto outcome = loader.load(config);
    for (const auto& e : outcome.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(outcome.data);
    EXPECT_EQ(outcome.zones, 1U);
    EXPECT_EQ(status_of(outcome, "nas.lan.", wire::rr_type::a), local_status::answer);
    EXPECT_EQ(status_of(outcome, "box.home.", wire::rr_type::a), local_status::answer);
    EXPECT_EQ(status_of(outcome, "1.2.0.192.in-addr.arpa.", wire::rr_type::ptr),
              local_status::answer);
    const auto n = wire::name::from_text("x.example.").value();
    const auto r = outcome.data->lookup(n.wire(), wire::rr_type::a, wire::rr_class::in);
    ASSERT_EQ(r.answer_count, 1);
    EXPECT_EQ(r.answer[0].where(0), (source_location{"residns.yaml", 12}));
}

TEST_F(LocalLoaderTest, StartUpWithABrokenZoneGivesNoDataAndTheFileAndLine) {
    settings config;
    config.zones.push_back({write("bad.zone", zone_text("nas IN A 999.1.1.1\n")), "lan."});
    local_loader loader;
    const auto outcome = loader.load(config);
    EXPECT_FALSE(outcome.data);
    ASSERT_FALSE(outcome.errors.empty());
    EXPECT_THAT(outcome.errors[0].to_string(), HasSubstr("bad.zone:5"));
}

TEST_F(LocalLoaderTest, ReloadKeepsTheLastGoodContentOfABrokenFile) {
    settings config;
    const auto zone = write("lan.zone", zone_text("nas IN A 192.168.1.10\n"));
    const auto hosts = write("h.hosts", "192.168.2.5 box\n");
    config.zones.push_back({zone, "lan."});
    config.hosts_files.push_back({hosts, "home.", 60});
    local_loader loader;
    ASSERT_TRUE(loader.load(config).data);

    // The zone breaks, the hosts file gains a name: the zone keeps its data, the hosts file's
    // change is taken.
    write("lan.zone", zone_text("nas IN A 192.168.1.10\nnew IN BOGUS 1\n"));
    write("h.hosts", "192.168.2.5 box\n192.168.2.6 tv\n");
    const auto outcome = loader.reload(config);
    ASSERT_TRUE(outcome.data);
    ASSERT_FALSE(outcome.errors.empty());
    EXPECT_THAT(outcome.errors[0].to_string(), HasSubstr("lan.zone:6"));
    EXPECT_EQ(status_of(outcome, "nas.lan.", wire::rr_type::a), local_status::answer);
    EXPECT_EQ(status_of(outcome, "tv.home.", wire::rr_type::a), local_status::answer);

    // Fixed again: the new record appears.
    write("lan.zone", zone_text("nas IN A 192.168.1.10\nnew IN A 192.168.1.11\n"));
    const auto fixed = loader.reload(config);
    EXPECT_TRUE(fixed.errors.empty());
    EXPECT_EQ(status_of(fixed, "new.lan.", wire::rr_type::a), local_status::answer);
}

TEST_F(LocalLoaderTest, ReloadThatDoesNotBuildKeepsThePreviousData) {
    settings config;
    config.zones.push_back({write("lan.zone", zone_text("nas IN A 192.168.1.10\n")), "lan."});
    local_loader loader;
    const auto first = loader.load(config);
    ASSERT_TRUE(first.data);
    // Each source reads, but together they clash: CNAME and other data at nas.lan.
    config.records.push_back({"nas.lan. 60 IN CNAME other.lan.", "residns.yaml", 3});
    const auto outcome = loader.reload(config);
    EXPECT_FALSE(outcome.errors.empty());
    EXPECT_EQ(outcome.data, first.data);
    EXPECT_FALSE(outcome.changed);
}

TEST_F(LocalLoaderTest, BadConfigRecordIsLocatedAtItsConfigLine) {
    settings config;
    config.records.push_back({"ok.example. 60 IN A 192.0.2.1", "residns.yaml", 7});
    config.records.push_back({"bad.example. 60 IN A nope", "residns.yaml", 8});
    local_loader loader;
    const auto outcome = loader.load(config);
    EXPECT_FALSE(outcome.data);
    ASSERT_EQ(outcome.errors.size(), 1U);
    EXPECT_EQ(outcome.errors[0].where, (source_location{"residns.yaml", 8}));
}

TEST_F(LocalLoaderTest, NothingConfiguredIsNoData) {
    local_loader loader;
    const auto outcome = loader.load({});
    EXPECT_FALSE(outcome.data);
    EXPECT_TRUE(outcome.errors.empty());
}

}  // namespace
}  // namespace residns::zone
