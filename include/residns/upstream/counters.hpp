// Counters of one c-ares forwarder (one worker). Plain values read as a snapshot on the worker's
// thread (cares_forwarder::counters()); the metrics module adds the workers' snapshots up.
#pragma once

#include <cstdint>

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
    std::uint64_t case_mismatches = 0;   // question bytes differ from ours (the 0x20 check)
    std::uint64_t bad_answers = 0;       // QR=0, wrong opcode, QDCOUNT!=1, wrong ID, too short

    // Source-port rotation: c-ares channels opened and retired.
    std::uint64_t channels_opened = 0;
    std::uint64_t channels_retired = 0;

    // Gauges at the time of the snapshot.
    std::uint64_t pending_requests = 0;  // forward() calls whose callback has not run yet
    std::uint64_t pending_queries = 0;   // upstream queries c-ares still holds (incl. abandoned)
};

}  // namespace residns::upstream
