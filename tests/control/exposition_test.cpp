// The Prometheus text of a snapshot: names, labels, HELP/TYPE lines, histogram buckets
// (cumulative, +Inf), _sum and _count; and the summing of workers' counters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/control/metrics_snapshot.hpp"

namespace residns::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

metrics_snapshot sample() {
    metrics_snapshot s;
    s.workers = 2;
    s.queries_udp = 10;
    s.queries_tcp = 3;
    s.responses_by_rcode[0] = 9;
    s.responses_by_rcode[3] = 2;
    s.responses_by_rcode[9] = 1;  // NOTAUTH: shown only when not 0
    s.cache_hits = 4;
    s.cache_misses = 6;
    s.cache.entries = 5;
    s.cache.bytes = 4096;
    s.cache.evictions = 1;
    s.local_answers = 2;
    s.malformed = 1;
    s.refused = 1;
    s.refused_acl = 7;
    s.rate_limited_truncated = 3;
    s.rate_limited_dropped = 4;
    upstream_snapshot u{.name = "192.0.2.1:53", .queries = 6, .timeouts = 1};
    u.latency[0] = 1;   // <= 1 ms
    u.latency[3] = 2;   // <= 10 ms
    u.latency[12] = 1;  // > 5 s
    u.latency_sum_us = 6'012'500;
    s.upstreams.push_back(u);
    return s;
}

TEST(Exposition, CountersHaveHelpTypeAndLabels) {
    const std::string text = render_prometheus(sample());
    EXPECT_THAT(text, HasSubstr("# HELP residns_queries_total Queries received, by transport.\n"
                                "# TYPE residns_queries_total counter\n"
                                "residns_queries_total{transport=\"udp\"} 10\n"
                                "residns_queries_total{transport=\"tcp\"} 3\n"));
    EXPECT_THAT(text, HasSubstr("residns_responses_total{rcode=\"NOERROR\"} 9\n"));
    EXPECT_THAT(text, HasSubstr("residns_responses_total{rcode=\"NXDOMAIN\"} 2\n"));
    EXPECT_THAT(text, HasSubstr("residns_responses_total{rcode=\"SERVFAIL\"} 0\n"));
    EXPECT_THAT(text, HasSubstr("residns_responses_total{rcode=\"NOTAUTH\"} 1\n"));
    EXPECT_THAT(text, Not(HasSubstr("rcode=\"NOTZONE\"")));
    EXPECT_THAT(text, HasSubstr("# TYPE residns_cache_hits_total counter\n"
                                "residns_cache_hits_total 4\n"));
    EXPECT_THAT(text, HasSubstr("residns_cache_misses_total 6\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE residns_cache_entries gauge\nresidns_cache_entries 5\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE residns_cache_bytes gauge\nresidns_cache_bytes 4096\n"));
    EXPECT_THAT(text, HasSubstr("residns_cache_evictions_total 1\n"));
    EXPECT_THAT(text, HasSubstr("residns_local_answers_total 2\n"));
    EXPECT_THAT(text, HasSubstr("residns_malformed_total 1\n"));
    EXPECT_THAT(text, HasSubstr("residns_refused_total 1\n"));
    for (const char* name :
         {"residns_coalesced_total", "residns_stale_answers_total", "residns_prefetches_total"}) {
        EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + name + " counter\n" + name + " 0\n"));
    }
}

TEST(Exposition, PolicyCountersAreExported) {
    const std::string text = render_prometheus(sample());
    EXPECT_THAT(text, HasSubstr("# TYPE residns_acl_refused_total counter\n"
                                "residns_acl_refused_total 7\n"));
    EXPECT_THAT(text, HasSubstr("residns_acl_dropped_total 0\n"));
    EXPECT_THAT(text, HasSubstr("residns_rate_limited_total{action=\"truncated\"} 3\n"
                                "residns_rate_limited_total{action=\"dropped\"} 4\n"));
    EXPECT_THAT(text, HasSubstr("residns_any_minimal_total 0\n"));
    EXPECT_THAT(render_stats(sample()), HasSubstr("acl.refused 7\n"));
}

TEST(Exposition, UpstreamCountersAreLabelledByUpstreamAndReason) {
    const std::string text = render_prometheus(sample());
    EXPECT_THAT(text, HasSubstr("residns_upstream_queries_total{upstream=\"192.0.2.1:53\"} 6\n"));
    EXPECT_THAT(text, HasSubstr("residns_upstream_errors_total{upstream=\"192.0.2.1:53\","
                                "reason=\"timeout\"} 1\n"));
    EXPECT_THAT(text, HasSubstr("residns_upstream_errors_total{upstream=\"192.0.2.1:53\","
                                "reason=\"servfail_refused\"} 0\n"));
    EXPECT_THAT(text, HasSubstr("residns_upstream_up{upstream=\"192.0.2.1:53\"} 1\n"));
}

TEST(Exposition, LatencyIsACumulativeHistogram) {
    const std::string text = render_prometheus(sample());
    const std::string l = "residns_upstream_latency_seconds";
    const std::string u = "upstream=\"192.0.2.1:53\"";
    EXPECT_THAT(
        text, HasSubstr("# TYPE " + l + " histogram\n" + l + "_bucket{" + u + ",le=\"0.001\"} 1\n" +
                        l + "_bucket{" + u + ",le=\"0.0025\"} 1\n" + l + "_bucket{" + u +
                        ",le=\"0.005\"} 1\n" + l + "_bucket{" + u + ",le=\"0.01\"} 3\n"));
    EXPECT_THAT(text, HasSubstr(l + "_bucket{" + u + ",le=\"5\"} 3\n" + l + "_bucket{" + u +
                                ",le=\"+Inf\"} 4\n" + l + "_sum{" + u + "} 6.0125\n" + l +
                                "_count{" + u + "} 4\n"));
}

TEST(Exposition, EveryLineIsACommentOrASample) {
    const std::string text = render_prometheus(sample());
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
        EXPECT_TRUE(line.starts_with("residns_")) << line;
        EXPECT_NE(line.rfind(' '), std::string::npos) << line;
    }
}

TEST(Snapshot, SumsWorkersAndMergesUpstreamsByName) {
    server::handler_counters h1;
    server::handler_counters h2;
    server::transport_counters t;
    h1.queries_udp.add(3);
    h2.queries_udp.add(4);
    h1.formerr.add();
    h2.dropped_short.add();
    h2.responses_by_rcode[2].add(5);
    upstream::upstream_metrics m1;
    upstream::upstream_metrics m2;
    m1.for_upstream("192.0.2.1", 53).queries.add(2);
    m2.for_upstream("192.0.2.1", 53).queries.add(3);
    m2.for_upstream("2001:db8::1", 5353).latency.observe(std::chrono::milliseconds{3});
    m2.for_upstream("192.0.2.1", 53).failing.store(true);

    metrics_snapshot s;
    add_worker(s, h1, t);
    add_worker(s, h2, t);
    add_upstreams(s, m1);
    add_upstreams(s, m2);
    EXPECT_EQ(s.workers, 2u);
    EXPECT_EQ(s.queries_udp, 7u);
    EXPECT_EQ(s.malformed, 2u);
    EXPECT_EQ(s.responses_by_rcode[2], 5u);
    ASSERT_EQ(s.upstreams.size(), 2u);
    EXPECT_EQ(s.upstreams[0].name, "192.0.2.1:53");
    EXPECT_EQ(s.upstreams[0].queries, 5u);
    EXPECT_FALSE(s.upstreams[0].failing);  // one worker of two still uses it
    EXPECT_EQ(s.upstreams[1].name, "[2001:db8::1]:5353");
    EXPECT_EQ(s.upstreams[1].latency[2], 1u);  // 3 ms: in (2.5 ms, 5 ms]
    EXPECT_EQ(s.upstreams[1].latency_sum_us, 3000u);
}

TEST(Stats, OneNameValueLinePerFigure) {
    const std::string text = render_stats(sample());
    EXPECT_THAT(text, HasSubstr("queries.udp 10\n"));
    EXPECT_THAT(text, HasSubstr("responses.NXDOMAIN 2\n"));
    EXPECT_THAT(text, HasSubstr("cache.hits 4\n"));
    EXPECT_THAT(text, HasSubstr("answers.local 2\n"));
    EXPECT_THAT(text, HasSubstr("upstream.192.0.2.1:53.queries 6\n"));
}

}  // namespace
}  // namespace residns::control
