// The answer cache's settings: a plain struct with the defaults documented in
// conf/residns.yaml. The config module fills it; tests build it with designated initializers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace residns::cache {

struct settings {
    // Upper bound on everything the cache allocates (entries and index arrays), split evenly
    // between the shards.
    std::size_t max_bytes = std::size_t{64} * 1024 * 1024;
    // Clamps on the lifetime of positive answers, in seconds.
    std::uint32_t min_ttl = 0;
    std::uint32_t max_ttl = 86400;
    // Cap on the lifetime of negative answers (NXDOMAIN, NODATA; RFC 2308).
    std::uint32_t negative_max_ttl = 3600;
    // How long a SERVFAIL is remembered so that a failing upstream is not hammered.
    std::uint32_t servfail_ttl = 5;
    // Serve-stale (RFC 8767): expired answers are kept up to stale_max_age seconds past their
    // expiry and served (with TTL stale_answer_ttl) when the caller asks for them.
    bool serve_stale = true;
    std::uint32_t stale_max_age = 86400;
    std::uint32_t stale_answer_ttl = 30;
    // Prefetch: a hit in the last 10% of an entry's lifetime, on an entry hit at least
    // prefetch_min_hits times (1..3) since it was stored, asks the caller to refresh it.
    bool prefetch = true;
    std::uint32_t prefetch_min_hits = 2;
    // Minimal responses, as Unbound's minimal-responses (its default, and BIND's for recursive
    // queries): a positive answer to the question is stored, and relayed, with its answer
    // section alone; the zone's NS records and their addresses in the authority and additional
    // sections are left out. Clients do not use them, and an entry is then about a third
    // smaller. Negative answers keep their SOA, and answers to queries with the DO bit keep
    // every section (DNSSEC proofs are in the authority section).
    bool minimal_responses = true;
    // Number of shards (a power of two; others are rounded up). 0 chooses from the number of
    // CPUs and max_bytes.
    std::size_t shards = 0;
    // Warm restart (the daemon's job; the cache only reads and writes the bytes, snapshot.hpp):
    // the file the cache is written to at shutdown and loaded from at start ("" = off), and how
    // often it is also written while running (0 = only at shutdown).
    std::string snapshot_file;
    std::chrono::seconds snapshot_interval{0};

    friend bool operator==(const settings&, const settings&) = default;
};

}  // namespace residns::cache
