// What a reload flushes: changed forward zones' subtrees; every local zone apex and hosts name,
// old and new, when local data changed; nothing when nothing that matters changed.
#include "residns/control/reload_flush.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "residns/wire/record.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::control {
namespace {

wire::name dns_name(std::string_view text) {
    return wire::name::from_text(text).value();
}

bool has(const std::vector<wire::name>& names, std::string_view text) {
    return std::find(names.begin(), names.end(), dns_name(text)) != names.end();
}

zone::located_record rec(std::string_view line) {
    wire::record_text_defaults defaults;
    auto parsed = wire::record_from_text(line, defaults);
    EXPECT_TRUE(parsed) << parsed.error;
    return {parsed.value.value_or(wire::record{}), {"test", 1}};
}

std::shared_ptr<const zone::local_data> local(std::string_view apex, std::string_view hosts_line) {
    zone::local_sources sources;
    zone::zone_source z{dns_name(apex), "db", {}};
    z.records = {rec(std::string(apex) + " 3600 IN SOA ns." + std::string(apex) + " h." +
                     std::string(apex) + " 1 3600 600 86400 300"),
                 rec("www." + std::string(apex) + " 600 IN A 192.168.1.10")};
    sources.zones.push_back(std::move(z));
    sources.local_records.push_back(rec(hosts_line));
    auto built = zone::build_local_data(sources);
    for (const auto& e : built.errors)
        ADD_FAILURE() << e.to_string();
    return built.data;
}

upstream::settings with_zones(std::vector<upstream::forward_zone> zones) {
    upstream::settings s;
    s.upstreams = {{"192.0.2.1", 53}};
    s.forward_zones = std::move(zones);
    return s;
}

TEST(ReloadFlush, NothingChangedFlushesNothing) {
    const auto s = with_zones({{"corp.example.", {{"10.0.0.1", 53}}}});
    const auto data = local("lan.", "nas.home. 300 IN A 10.0.0.5");
    EXPECT_TRUE(plan_reload_flush(s, s, data.get(), data.get(), false).empty());
}

TEST(ReloadFlush, DefaultUpstreamChangeFlushesNothing) {
    auto after = with_zones({});
    after.upstreams = {{"192.0.2.99", 53}};
    EXPECT_TRUE(plan_reload_flush(with_zones({}), after, nullptr, nullptr, false).empty());
}

TEST(ReloadFlush, AddedRemovedAndChangedForwardZonesAreFlushedOthersKept) {
    const auto before = with_zones({{"corp.example.", {{"10.0.0.1", 53}}},
                                    {"old.example.", {{"10.0.0.2", 53}}},
                                    {"same.example.", {{"10.0.0.3", 53}}}});
    const auto after = with_zones({{"CORP.example.", {{"10.0.0.9", 53}}},
                                   {"same.example.", {{"10.0.0.3", 53}}},
                                   {"new.example.", {{"10.0.0.4", 53}}}});
    const auto plan = plan_reload_flush(before, after, nullptr, nullptr, false);
    EXPECT_TRUE(has(plan.subtrees, "corp.example."));
    EXPECT_TRUE(has(plan.subtrees, "old.example."));
    EXPECT_TRUE(has(plan.subtrees, "new.example."));
    EXPECT_FALSE(has(plan.subtrees, "same.example."));
    EXPECT_EQ(plan.subtrees.size(), 3U);
    EXPECT_TRUE(plan.names.empty());
}

TEST(ReloadFlush, ChangedLocalDataFlushesOldAndNewZonesAndHostsNames) {
    const auto before = local("lan.", "nas.home. 300 IN A 10.0.0.5");
    const auto after = local("office.", "printer.home. 300 IN A 10.0.0.6");
    const auto s = with_zones({});
    const auto plan = plan_reload_flush(s, s, before.get(), after.get(), true);
    EXPECT_TRUE(has(plan.subtrees, "lan."));
    EXPECT_TRUE(has(plan.subtrees, "office."));
    EXPECT_TRUE(has(plan.names, "nas.home."));
    EXPECT_TRUE(has(plan.names, "printer.home."));
    EXPECT_FALSE(has(plan.names, "www.lan."));  // under a zone: its apex covers it
}

TEST(ReloadFlush, LocalDataRemovedEntirelyFlushesWhatItHad) {
    const auto before = local("lan.", "nas.home. 300 IN A 10.0.0.5");
    const auto s = with_zones({});
    const auto plan = plan_reload_flush(s, s, before.get(), nullptr, true);
    EXPECT_TRUE(has(plan.subtrees, "lan."));
    EXPECT_TRUE(has(plan.names, "nas.home."));
}

}  // namespace
}  // namespace residns::control
