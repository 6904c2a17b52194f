// What the metrics endpoint and `residns-ctl stats` show: one plain snapshot that the daemon
// fills at scrape time by summing each worker's counters (relaxed loads of single-writer
// counters, see server/counters.hpp and upstream/counters.hpp) and the cache's stats(). Nothing
// here is touched on the query path; tests fill a snapshot by hand.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "residns/cache/answer_cache.hpp"
#include "residns/server/counters.hpp"
#include "residns/upstream/counters.hpp"

namespace residns::control {

inline constexpr std::size_t latency_buckets = upstream::latency_histogram::bounds.size() + 1;

struct upstream_snapshot {
    std::string name;  // "192.0.2.1:53", "[2001:db8::1]:53"
    std::uint64_t queries = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t network_errors = 0;
    std::uint64_t servfail_refused = 0;
    std::uint64_t formerr_notimp = 0;
    std::uint64_t bad_answers = 0;
    // Observations per bucket (not cumulative; the last is above the largest bound).
    std::array<std::uint64_t, latency_buckets> latency{};
    std::uint64_t latency_sum_us = 0;
    // Failing in the view of every worker that used it (so skipped by all of them).
    bool failing = false;
    std::uint32_t workers = 0;          // workers that have counted it
    std::uint32_t failing_workers = 0;  // of those, how many see it failing
    // 0x20 fallback: times case randomization was turned off towards it (all workers), and the
    // workers that have it off now.
    std::uint64_t case_fallbacks = 0;
    std::uint32_t case_off_workers = 0;
};

struct metrics_snapshot {
    std::uint64_t queries_udp = 0;
    std::uint64_t queries_tcp = 0;
    std::array<std::uint64_t, 16> responses_by_rcode{};
    std::uint64_t cache_hits = 0;
    std::uint64_t cache_misses = 0;
    std::uint64_t stale_answers = 0;
    std::uint64_t prefetches = 0;
    std::uint64_t coalesced = 0;
    std::uint64_t coalesce_full = 0;
    std::uint64_t local_answers = 0;
    std::uint64_t local_chases = 0;
    std::uint64_t malformed = 0;  // too short to answer, or FORMERR
    std::uint64_t dropped_responses = 0;
    std::uint64_t refused = 0;
    std::uint64_t notimp = 0;
    std::uint64_t servfail = 0;
    std::uint64_t forwarded = 0;
    std::uint64_t truncated = 0;
    std::uint64_t query_log_dropped = 0;  // query log records dropped: the writer was behind
    std::uint64_t udp_receive_errors = 0;
    std::uint64_t udp_send_errors = 0;
    std::uint64_t tcp_accepted = 0;
    std::uint64_t tcp_rejected = 0;
    std::uint64_t tcp_idle_closed = 0;
    // Policy (access control, rate limiting, RFC 8482 ANY).
    std::uint64_t refused_acl = 0;
    std::uint64_t dropped_acl = 0;
    std::uint64_t rate_limited_truncated = 0;
    std::uint64_t rate_limited_dropped = 0;
    std::uint64_t any_minimal = 0;
    std::uint64_t rebinding_blocked = 0;  // A/AAAA records removed by rebinding protection
    std::uint64_t rebinding_answers = 0;  // upstream answers they were removed from
    bool has_cache = false;
    cache::cache_stats cache;
    std::vector<upstream_snapshot> upstreams;
    std::uint32_t workers = 0;
};

// Adds one worker's counters.
void add_worker(metrics_snapshot& s, const server::handler_counters& handler,
                const server::transport_counters& transport);
// Adds one worker's per-upstream counters, merged by upstream with the other workers'.
void add_upstreams(metrics_snapshot& s, const upstream::upstream_metrics& upstreams);
void set_cache(metrics_snapshot& s, const cache::cache_stats& stats);

// "192.0.2.1:53", "[2001:db8::1]:53".
std::string endpoint_name(const std::string& address, std::uint16_t port);

// The Prometheus text exposition format 0.0.4 of the snapshot.
std::string render_prometheus(const metrics_snapshot& s);
// `residns-ctl stats`: one "name value" line per figure.
std::string render_stats(const metrics_snapshot& s);

}  // namespace residns::control
