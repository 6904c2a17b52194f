// Counters of one c-ares forwarder (one worker). forwarder_counters: plain values read as a
// snapshot on the worker's thread (cares_forwarder::counters()). upstream_metrics: per-upstream
// counts and a latency histogram that a scraper on another thread reads while the worker writes
// them: one writer per counter (the worker), relaxed loads and stores, no locked instruction per
// query; the metrics module sums the workers' sets.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "residns/util/relaxed_counter.hpp"

namespace residns::upstream {

struct forwarder_counters {
    // Requests: every forward() ends in exactly one of answered, failed, overloaded, shut down.
    std::uint64_t requests = 0;
    std::uint64_t answered = 0;
    std::uint64_t failed = 0;            // all upstreams failed, the budget ran out, no upstream
    std::uint64_t budget_exhausted = 0;  // the part of `failed` that hit total_timeout
    std::uint64_t overloaded = 0;        // max_in_flight or the per-name cap was reached

    // Upstream tries (one query to one upstream).
    std::uint64_t queries_sent = 0;
    std::uint64_t failovers = 0;         // tries after the first of a request
    std::uint64_t timeouts = 0;          // no answer within try_timeout
    std::uint64_t network_errors = 0;    // connection refused or other socket errors
    std::uint64_t servfail_refused = 0;  // answered SERVFAIL or REFUSED
    std::uint64_t formerr_notimp = 0;    // answered FORMERR or NOTIMP (also c-ares' no-EDNS retry)
    std::uint64_t case_mismatches = 0;   // question differs from ours only in case (0x20 check)
    std::uint64_t case_fallbacks = 0;    // times 0x20 was turned off towards an upstream
    std::uint64_t bad_answers = 0;       // QR=0, wrong opcode, QDCOUNT!=1, wrong ID, too short

    // Source-port rotation: c-ares channels opened and retired.
    std::uint64_t channels_opened = 0;
    std::uint64_t channels_retired = 0;

    // Gauges at the time of the snapshot.
    std::uint64_t pending_requests = 0;  // forward() calls whose callback has not run yet
    std::uint64_t pending_queries = 0;   // upstream queries c-ares still holds (incl. abandoned)
};

using util::relaxed_counter;

// Upstream latency (query sent to answer received) in fixed buckets, Prometheus style.
class latency_histogram {
public:
    // Upper bounds in seconds; an implicit +Inf bucket follows.
    static constexpr std::array<double, 12> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

    void observe(std::chrono::microseconds elapsed) {
        const double seconds = static_cast<double>(elapsed.count()) / 1e6;
        std::size_t i = 0;
        while (i < bounds.size() && seconds > bounds[i])
            ++i;
        buckets_[i].add();  // not cumulative: the reader adds up
        sum_us_.add(static_cast<std::uint64_t>(elapsed.count() < 0 ? 0 : elapsed.count()));
    }
    // Observations in bucket i alone (i == bounds.size(): above the last bound).
    std::uint64_t bucket(std::size_t i) const { return buckets_[i].get(); }
    std::uint64_t sum_microseconds() const { return sum_us_.get(); }

private:
    std::array<relaxed_counter, bounds.size() + 1> buckets_;
    relaxed_counter sum_us_;
};

// What one worker's forwarders did with one upstream.
struct upstream_counters {
    std::string address;
    std::uint16_t port = 53;
    relaxed_counter queries;  // tries sent to it
    relaxed_counter timeouts;
    relaxed_counter network_errors;
    relaxed_counter servfail_refused;
    relaxed_counter formerr_notimp;
    relaxed_counter bad_answers;  // case mismatches and malformed answers
    latency_histogram latency;    // answers that passed the checks
    // Its health as the forwarder last saw it (skipped until down_interval passes).
    std::atomic<bool> failing{false};
    // 0x20 fallback: times it was turned off because the upstream does not echo the case, and
    // whether it is off now. `case_warned`: the warning was logged (once per worker).
    relaxed_counter case_fallbacks;
    std::atomic<bool> case_randomization_off{false};
    std::atomic<bool> case_warned{false};
};

// One per worker, outliving its forwarders (a reload replaces them and the new ones find the
// same entries). for_upstream() runs when a forwarder is built (control plane, takes the mutex);
// the counters it hands out are then written without any lock.
class upstream_metrics {
public:
    upstream_counters& for_upstream(const std::string& address, std::uint16_t port) {
        const std::lock_guard lock(mutex_);
        for (auto& e : entries_) {
            if (e.address == address && e.port == port) return e;
        }
        auto& e = entries_.emplace_back();
        e.address = address;
        e.port = port;
        return e;
    }
    // Calls f(const upstream_counters&) for every upstream ever used by this worker.
    template <typename F>
    void for_each(F&& f) const {
        const std::lock_guard lock(mutex_);
        for (const auto& e : entries_)
            f(e);
    }

private:
    mutable std::mutex mutex_;
    std::deque<upstream_counters> entries_;  // a deque: references stay valid
};

}  // namespace residns::upstream
