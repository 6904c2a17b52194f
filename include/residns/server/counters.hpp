// Per-worker counters of the server module. Each worker owns one set and is its only writer; a
// reader on another thread (stats, metrics) sums the workers' sets. Relaxed loads and stores
// make that race-free without a locked instruction per packet.
#pragma once

#include <array>
#include <cstdint>

#include "residns/util/relaxed_counter.hpp"

namespace residns::server {

using counter = util::relaxed_counter;

struct handler_counters {
    counter queries_udp;
    counter queries_tcp;
    counter dropped_short;     // shorter than a header
    counter dropped_response;  // QR=1: a response sent to us
    counter formerr;
    counter notimp;
    counter badvers;
    counter refused;
    counter servfail;
    counter forwarded;
    counter truncated;      // answered with TC=1
    counter answers;        // answers handed to a transport
    counter local_answers;  // answered from local data (zones, hosts files, config records)
    counter local_chases;   // local CNAME chains completed from the cache or an upstream
    // With a cache:
    counter cache_hits;     // answered fresh from the cache
    counter cache_misses;   // not in the cache (or only stale while the upstream is not asked)
    counter stale_answers;  // answered with expired data (RFC 8767)
    counter prefetches;     // background refreshes started
    counter coalesced;      // misses that joined an upstream query already in flight
    counter coalesce_full;  // SERVFAIL because a key or the coalescing table was at its bound
    // Answers handed to a transport by the header's 4-bit RCODE (the metrics' responses_total).
    std::array<counter, 16> responses_by_rcode;
    counter any_minimal;  // ANY over UDP answered with the RFC 8482 HINFO, not forwarded
    // DNS rebinding protection: A/AAAA records with private addresses removed from upstream
    // answers, and the answers they were removed from.
    counter rebinding_blocked;
    counter rebinding_answers;
};

struct transport_counters {
    counter udp_receive_errors;
    counter udp_send_errors;
    counter udp_oversized;  // datagrams larger than our receive buffer
    counter tcp_accepted;
    counter tcp_rejected;  // over the connection limit
    counter tcp_idle_closed;
    counter tcp_bad_length;  // a length prefix of 0 or below a header
    // Policy (access_control, rate_limit), counted before the query handler sees the packet:
    counter refused_acl;             // not allowed: REFUSED (UDP and TCP queries)
    counter dropped_acl;             // not allowed, action drop: nothing (UDP queries, TCP conns)
    counter rate_limited_truncated;  // UDP over the client prefix's rate: TC=1 and no records
    counter rate_limited_dropped;    // UDP over the client prefix's rate: nothing sent
};

}  // namespace residns::server
