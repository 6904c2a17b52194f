// The optional query log: one line per answered query (client, name, type, RCODE, latency and
// where the answer came from). A worker copies a fixed-size record into its own ring; a writer
// thread (the daemon's) drains the rings and formats the lines. So the log never blocks a worker
// and costs nothing when off (the handler holds a null ring): a full ring drops the record and
// counts it rather than wait.
//
// Threading: each ring has one producer (its worker) and one consumer (the writer thread).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "residns/wire/name.hpp"

namespace residns::server {

// Where an answer came from.
enum class answer_source : std::uint8_t {
    local,     // local data (zone, hosts file, config record)
    cache,     // a fresh cache entry
    stale,     // an expired cache entry (serve-stale)
    upstream,  // forwarded and answered by an upstream
    policy,    // refused, dropped or minimised by policy (ACL, RD=0 miss, RFC 8482)
    error,     // FORMERR, NOTIMP, SERVFAIL made here
};
const char* to_text(answer_source s);

struct query_log_record {
    std::int64_t unix_us = 0;               // when the query arrived
    std::uint32_t latency_us = 0;           // arrival to answer
    std::array<std::uint8_t, 16> client{};  // IPv4 in the first 4 bytes unless v6
    std::uint16_t client_port = 0;
    bool v6 = false;
    bool tcp = false;
    std::uint16_t qtype = 0;
    std::uint16_t rcode = 0;
    answer_source source = answer_source::error;
    std::uint8_t qname_length = 0;  // 0: no question
    std::array<std::uint8_t, wire::max_name_length> qname{};
};

// The fields of a record that come from the answer: its question and RCODE (false when the
// answer has no readable question, e.g. a FORMERR to garbage).
bool fill_from_answer(query_log_record& r, std::span<const std::uint8_t> answer);

// "2026-11-25T10:45:21.123456Z 192.0.2.1#5353 udp www.example.com. A NOERROR cache 0.012ms"
std::string format_query_log_line(const query_log_record& r);

class query_log_ring {
public:
    // Room for `capacity` records (rounded up to a power of two).
    explicit query_log_ring(std::size_t capacity);

    // Producer: copies `r` in; false (and counted) when the ring is full.
    bool push(const query_log_record& r);
    // Consumer: the oldest record, or null when empty; pop() releases it.
    const query_log_record* front() const;
    void pop();

    std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

private:
    std::unique_ptr<query_log_record[]> slots_;
    std::size_t mask_;
    alignas(64) std::atomic<std::uint64_t> head_{0};  // next to write (producer)
    alignas(64) std::atomic<std::uint64_t> tail_{0};  // next to read (consumer)
    alignas(64) std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace residns::server
