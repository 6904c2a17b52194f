// explain's text for each source: a zone record (file and line), a hosts/config name, a negative
// local answer, a chain leaving local data, a cache hit (age, TTL), a stale entry, a forward
// zone and the default upstreams.
#include "residns/control/explain.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/wire/record.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

wire::name dns_name(std::string_view text) {
    return wire::name::from_text(text).value();
}

zone::located_record rec(std::string_view line, std::string file, std::size_t number) {
    wire::record_text_defaults defaults;
    auto parsed = wire::record_from_text(line, defaults);
    EXPECT_TRUE(parsed) << parsed.error;
    return {parsed.value.value_or(wire::record{}), {std::move(file), number}};
}

std::shared_ptr<const zone::local_data> local() {
    zone::local_sources sources;
    zone::zone_source lan{dns_name("lan."), "/etc/zones/db.lan", {}};
    lan.records = {
        rec("lan. 3600 IN SOA ns.lan. admin.lan. 1 3600 600 86400 300", "/etc/zones/db.lan", 3),
        rec("lan. 3600 IN NS ns.lan.", "/etc/zones/db.lan", 4),
        rec("ns.lan. 3600 IN A 192.168.1.1", "/etc/zones/db.lan", 5),
        rec("www.lan. 600 IN A 192.168.1.10", "/etc/zones/db.lan", 12),
        rec("ext.lan. 600 IN CNAME www.example.com.", "/etc/zones/db.lan", 13),
    };
    sources.zones.push_back(std::move(lan));
    sources.local_records.push_back(rec("nas.home. 300 IN A 10.0.0.5", "/etc/hosts", 7));
    auto built = zone::build_local_data(sources);
    for (const auto& e : built.errors)
        ADD_FAILURE() << e.to_string();
    return built.data;
}

class scripted_cache : public cache_view {
public:
    std::optional<cache_entry_info> find(const wire::name& qname, std::uint16_t qtype,
                                         std::uint16_t) override {
        asked.push_back(qname.to_text() + "/" + std::to_string(qtype));
        if (qname == dns_name("www.example.com.")) {
            cache_entry_info e;
            e.qname = qname;
            e.age = 12;
            e.ttl_left = 288;
            e.upstream = "192.0.2.1:53";
            e.records = {"www.example.com.\t288\tIN\tA\t198.51.100.7"};
            return e;
        }
        if (qname == dns_name("old.example.com.")) {
            cache_entry_info e;
            e.qname = qname;
            e.stale = true;
            return e;
        }
        return std::nullopt;
    }
    bool for_each(const std::function<void(const cache_entry_info&)>&) override { return false; }

    std::vector<std::string> asked;
};

struct ExplainTest : ::testing::Test {
    ExplainTest() {
        upstreams.upstreams = {{"192.0.2.1", 53}, {"192.0.2.2", 5353}};
        upstreams.forward_zones = {{"corp.example.", {{"10.0.0.53", 53}}},
                                   {"eu.corp.example.", {{"10.1.0.53", 53}}}};
        context.local = data.get();
        context.cache = &cache;
        context.upstreams = &upstreams;
    }
    std::string run(std::string_view name, std::uint16_t type = 1) {
        return explain(context, dns_name(name), type);
    }

    std::shared_ptr<const zone::local_data> data = local();
    scripted_cache cache;
    upstream::settings upstreams;
    explain_context context;
};

TEST_F(ExplainTest, ZoneRecordNamesFileAndLine) {
    const std::string text = run("WWW.lan");
    EXPECT_THAT(text, HasSubstr("WWW.lan. IN A\nsource: local\n"));
    EXPECT_THAT(text, HasSubstr("local: NOERROR, authoritative (AA=1)\nzone: lan.\n"));
    EXPECT_THAT(text,
                HasSubstr("answer: www.lan.\t600\tIN\tA\t192.168.1.10\t; /etc/zones/db.lan:12"));
    EXPECT_TRUE(cache.asked.empty());
}

TEST_F(ExplainTest, HostsNameHasNoZone) {
    const std::string text = run("nas.home");
    EXPECT_THAT(text, HasSubstr("source: local\n"));
    EXPECT_THAT(text, HasSubstr("zone: none (a name from a hosts file or a config record)\n"));
    EXPECT_THAT(text, HasSubstr("; /etc/hosts:7"));
}

TEST_F(ExplainTest, NegativeAnswerShowsTheSoaSource) {
    const std::string text = run("missing.lan");
    EXPECT_THAT(text, HasSubstr("local: NXDOMAIN, authoritative (AA=1)\n"));
    EXPECT_THAT(text, HasSubstr("authority: lan.\t3600\tIN\tSOA\t"));
    EXPECT_THAT(text, HasSubstr("; /etc/zones/db.lan:3"));
}

TEST_F(ExplainTest, ChainLeavingLocalDataContinuesInTheCache) {
    const std::string text = run("ext.lan");
    EXPECT_THAT(text, HasSubstr("source: local+cache\n"));
    EXPECT_THAT(text, HasSubstr("answer: ext.lan.\t600\tIN\tCNAME\twww.example.com.\t; "
                                "/etc/zones/db.lan:13"));
    EXPECT_THAT(text, HasSubstr("chain continues at www.example.com.:\ncache: hit"));
}

TEST_F(ExplainTest, CacheHitShowsAgeTtlAndUpstream) {
    const std::string text = run("www.example.com");
    EXPECT_THAT(text, HasSubstr("source: cache\n"));
    EXPECT_THAT(text,
                HasSubstr("cache: hit, NOERROR, age 12s, TTL 288s left, from 192.0.2.1:53\n"));
    EXPECT_THAT(text, HasSubstr("  cached: www.example.com.\t288\tIN\tA\t198.51.100.7\n"));
    EXPECT_THAT(text, Not(HasSubstr("upstream:")));
}

TEST_F(ExplainTest, StaleEntryStillGoesUpstream) {
    const std::string text = run("old.example.com");
    EXPECT_THAT(text, HasSubstr("source: upstream\n"));
    EXPECT_THAT(text, HasSubstr("cache: expired entry kept for serve-stale"));
}

TEST_F(ExplainTest, LongestForwardZoneWins) {
    EXPECT_THAT(run("host.corp.example", 28),
                HasSubstr("source: upstream\ncache: miss\nupstream: forward zone corp.example. -> "
                          "10.0.0.53:53 (tried in this order, failing ones skipped)\n"));
    EXPECT_THAT(run("a.EU.corp.example"),
                HasSubstr("forward zone eu.corp.example. -> 10.1.0.53:53"));
}

TEST_F(ExplainTest, DefaultUpstreamsMarkFailingOnes) {
    context.failing_upstreams = {"192.0.2.2:5353"};
    EXPECT_THAT(run("example.org"),
                HasSubstr("upstream: default upstreams -> 192.0.2.1:53, 192.0.2.2:5353 (failing)"));
}

TEST_F(ExplainTest, NothingConfigured) {
    context = {};
    EXPECT_EQ(
        run("example.org"),
        "example.org. IN A\nsource: none\ncache: none\nupstream: none configured: SERVFAIL\n");
}

}  // namespace
}  // namespace residns::control
