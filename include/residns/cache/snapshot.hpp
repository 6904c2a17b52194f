// Cache snapshots for a warm restart: the answer cache to bytes and back, and the files that hold
// them. No clock inside: the caller passes its steady `now` and the wall-clock time
// (system_clock seconds, since steady time does not survive a restart).
//
// Format (version 1, every integer big-endian):
//   header   "RESIDNSC" | u32 version | u32 entry count | u64 upstream hash | i64 written at
//            (Unix seconds)
//   entries  u8 qname length | qname (lower-case wire form) | u16 qtype | u16 qclass |
//            u8 key bits (1 = DO, 2 = CD) | u16 header flags (RCODE, AD, Z) |
//            u16 answer, authority, additional counts | u32 lifetime | u32 age when written |
//            u16 TTL offset per record | u16 records length | records (stored TTLs, not aged)
//   trailer  u64 SipHash-1-3 (zero key) of everything before it
// Loading trusts none of it: the header, the checksum and the upstream hash must match, every
// length is bounds-checked, and each entry is rebuilt into a packet that goes through
// wire::index_packet and the cache's admission (answer_cache::insert_restored), its TTL offsets
// compared with the index's. The first bad entry stops the load (the entries before it stay).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "residns/cache/answer_cache.hpp"

namespace residns::cache {

inline constexpr std::uint32_t snapshot_version = 1;

struct snapshot_header {
    // A hash of the upstream configuration: a snapshot taken under another one is ignored.
    std::uint64_t upstream_hash = 0;
    // Wall-clock time of writing (or of loading), Unix seconds.
    std::int64_t wall_seconds = 0;
};

// Every entry of `cache` that is fresh or servable stale at `now`. `entries` (if given) gets
// the number written.
std::vector<std::uint8_t> save_snapshot(const answer_cache& cache, time_point now,
                                        const snapshot_header& header,
                                        std::size_t* entries = nullptr);

enum class snapshot_status : std::uint8_t {
    loaded,             // every entry read (some may have expired or not fit)
    bad_header,         // too short, not a snapshot, or another format version
    bad_checksum,       // corrupt or truncated
    foreign_upstreams,  // written under another upstream configuration
    bad_entry,          // stopped at an entry that does not hold up; those before it stay
};

struct restore_result {
    snapshot_status status = snapshot_status::bad_header;
    std::size_t restored = 0;  // stored in the cache
    std::size_t stale = 0;     // of which past their lifetime (serve-stale candidates only)
    std::size_t expired = 0;   // past their stale window: dropped
    std::size_t skipped = 0;   // valid but not stored (too large, zero lifetime, duplicate)
    std::string detail;        // why, when not loaded
};

// Loads `bytes` into `cache`. `header` is the running configuration's upstream hash and the
// wall-clock time now: each entry's age grows by the wall time since the snapshot was written
// (not at all if the clock went back).
restore_result restore_snapshot(std::span<const std::uint8_t> bytes, answer_cache& cache,
                                time_point now, const snapshot_header& header);

// The checksum a snapshot ends with, over `body` (everything before it). For tests and the
// fuzzer, which fix it up to reach the entry checks.
std::uint64_t snapshot_checksum(std::span<const std::uint8_t> body);

// Writes `bytes` to `path` atomically: to PATH.tmp, fsync, rename over PATH. Returns the error
// ("" on success).
std::string write_snapshot_file(const std::string& path, std::span<const std::uint8_t> bytes);

// Reads at most `max_bytes` of `path` into `out`. Returns the error ("" on success; a missing
// file is the error "no such file").
std::string read_snapshot_file(const std::string& path, std::size_t max_bytes,
                               std::vector<std::uint8_t>& out);

const char* to_string(snapshot_status status);

}  // namespace residns::cache
