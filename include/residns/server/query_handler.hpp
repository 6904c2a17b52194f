// The query pipeline of one worker: parse the client's header, question and OPT; apply policy
// (malformed, opcode, EDNS version, zone transfers); answer now or hand the question to the
// forwarder and relay its answer. Local zones and the cache slot in before the forwarder.
//
// Threading: one query_handler per worker, used only on that worker's thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "residns/server/counters.hpp"
#include "residns/server/settings.hpp"
#include "residns/upstream/forwarder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::server {

enum class transport : std::uint8_t { udp, tcp };

// What a query needs to be answered later: the parsed view and the client's header and question
// bytes (the answer carries the client's ID and question case).
struct pending_query {
    wire::query_view view;
    std::array<std::uint8_t, wire::header::size + wire::max_name_length + 4> head{};
    transport via = transport::udp;
    std::size_t limit = 512;  // largest answer the client accepts

    std::span<const std::uint8_t> head_bytes() const {
        return {head.data(), view.question.end_offset};
    }
};

enum class handle_result : std::uint8_t {
    answer,   // an answer of `length` bytes is in `out`
    drop,     // send nothing
    forward,  // `pending` is filled: call forward() with a way to reply
};

class query_handler {
public:
    using reply_fn = std::function<void(std::span<const std::uint8_t> answer)>;

    query_handler(const settings& config, upstream::forwarder& forwarder,
                  handler_counters& counters);

    // Handles one query. On `answer` the answer is in out[0, length).
    handle_result handle(std::span<const std::uint8_t> query, transport via,
                         std::span<std::uint8_t> out, std::size_t& length, pending_query& pending);

    // Forwards a query that handle() returned `forward` for. `reply` is called exactly once on
    // this worker's thread with the answer (SERVFAIL when the upstreams fail); the span is valid
    // during the call only.
    void forward(const pending_query& pending, reply_fn reply);

    // Forwarded queries whose reply has not been called yet.
    std::size_t in_flight() const { return in_flight_; }

    // Replaces the forwarder (after a reload); queries in flight on the old one still complete.
    void set_forwarder(upstream::forwarder& forwarder) { forwarder_ = &forwarder; }

private:
    void complete(const pending_query& pending, const upstream::forward_result& result,
                  const reply_fn& reply);
    std::size_t answer_error(std::span<const std::uint8_t> query, const wire::query_view& view,
                             wire::rcode code, std::span<std::uint8_t> out);

    settings settings_;
    upstream::forwarder* forwarder_;
    handler_counters& counters_;
    std::size_t in_flight_ = 0;
    wire::packet_index upstream_index_;
    std::vector<std::uint8_t> answer_buffer_;
};

}  // namespace residns::server
