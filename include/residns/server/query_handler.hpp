// The query pipeline of one worker: parse the client's header, question and OPT; apply policy
// (malformed, opcode, EDNS version, zone transfers); answer from local data, from the cache, or
// hand the question to the forwarder and relay its answer. ANY over UDP that local data does not
// answer gets the minimal RFC 8482 answer (HINFO "RFC8482" ""); over TCP it is forwarded.
//
// Local data (zone files, hosts files, config records; set_local_data) comes first: a name it
// covers is answered from it (AA=1) whatever RD says, and never reaches the cache or upstream.
// A local CNAME chain that leaves local data is completed (RD=1 only) with the cache's or an
// upstream's answer for its target, chain first; with RD=0 the chain alone is the answer.
//
// With a cache (cache_options::cache, shared by all workers):
//  - A hit, fresh or stale (the cache answers stale on its own while an upstream is known to be
//    failing), is answered from handle() at once: no heap allocation, no log line. A hit that the
//    cache marks prefetch_due starts a background refresh of the key (no client waits on it).
//  - RD=0 queries are answered from the cache only; a miss gets REFUSED.
//  - Misses are coalesced: each worker keeps a table key -> its waiting clients, and with a
//    flight_registry (shared by the workers) one upstream query serves every worker: the first
//    worker to miss a key leads and asks upstream, the others follow and are handed a copy of the
//    leader's result on their own thread. A key holds at most max_waiters_per_key waiters per
//    worker and a worker's table at most max_keys_in_flight keys; beyond either bound the query
//    gets SERVFAIL at once (a flood of one name or of many names costs neither unbounded memory
//    nor unbounded upstream queries). Without a registry each worker asks on its own.
//  - With rebinding protection on (policy::rebinding_filter), private addresses are removed from
//    the upstream's answer first, on this miss path only: the cache then holds the filtered
//    answer, so a hit needs no filtering.
//  - The upstream's answer is indexed, stored in the cache (for a name under a forward zone with
//    that zone, the longest match, as bailiwick) and relayed to every waiter with its own ID,
//    question case, size limit and OPT.
//  - Serve-stale (RFC 8767): when the upstream has not answered within stale_wait (1.8 s), the
//    waiters that have an expired entry in its stale window get it (TTL 30) and later misses of
//    that key get it at once; when the upstream fails, every waiter gets the stale entry if there
//    is one, else SERVFAIL. The upstream query keeps running and its answer refreshes the cache.
//    A failure is stored in the cache as a SERVFAIL (kept servfail_ttl, 5 s): during that time the
//    key is answered from the cache (stale data if any, else SERVFAIL) without asking upstream.
//
// Threading: one query_handler per worker, used only on that worker's thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <sys/socket.h>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "residns/cache/answer_cache.hpp"
#include "residns/cache/key.hpp"
#include "residns/policy/rebinding.hpp"
#include "residns/server/counters.hpp"
#include "residns/server/flight_registry.hpp"
#include "residns/server/query_log.hpp"
#include "residns/server/settings.hpp"
#include "residns/server/upstream_origins.hpp"
#include "residns/upstream/forwarder.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::server {

enum class transport : std::uint8_t { udp, tcp };

// What a query needs to be answered later: the parsed view and the client's header and question
// bytes (the answer carries the client's ID and question case).
struct pending_query {
    wire::query_view view;
    std::array<std::uint8_t, wire::header::size + wire::max_name_length + 4> head{};
    transport via = transport::udp;
    std::size_t limit = 512;  // largest answer the client accepts
    // Local data answered with a CNAME chain that leaves it: forward its target, then answer the
    // chain followed by the target's answer.
    bool chase_local_chain = false;

    std::span<const std::uint8_t> head_bytes() const {
        return {head.data(), view.question.end_offset};
    }
};

enum class handle_result : std::uint8_t {
    answer,   // an answer of `length` bytes is in `out`
    drop,     // send nothing
    forward,  // `pending` is filled: call forward() with a way to reply
};

// How the handler uses the cache. Without a cache every query that passes policy is forwarded.
struct cache_options {
    cache::answer_cache* cache = nullptr;
    // Runs the serve-stale timers (the worker's io_context). Without one, stale answers are given
    // only when the upstream fails, not when it is slow.
    boost::asio::io_context* io = nullptr;
    std::chrono::milliseconds stale_wait{1800};
    std::size_t max_waiters_per_key = 128;
    std::size_t max_keys_in_flight = 10000;
    // Coalescing across workers (needs `io`); null: this worker coalesces only its own misses.
    flight_registry* registry = nullptr;
    // Tags cache entries with the upstream that filled them (for dump and explain); null: no tag.
    const upstream_origins* origins = nullptr;
    // The clock given to the cache; tests replace it.
    cache::time_point (*now)() = +[] { return std::chrono::steady_clock::now(); };
};

class query_handler {
public:
    using reply_fn = std::function<void(std::span<const std::uint8_t> answer)>;

    query_handler(const settings& config, upstream::forwarder& forwarder,
                  handler_counters& counters, cache_options cache = {});
    ~query_handler();
    query_handler(const query_handler&) = delete;
    query_handler& operator=(const query_handler&) = delete;

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

    // Local data to answer from (null: none). Call on this worker's thread; a query in flight
    // keeps the snapshot it started with.
    void set_local_data(std::shared_ptr<const zone::local_data> data) { local_ = std::move(data); }

    // The table of upstream tags for cache entries (null: untagged). Before the first query.
    void set_origins(const upstream_origins* origins) { cache_.origins = origins; }

    // Replaces the rebinding protection settings (the constructor takes them from
    // settings.policy.rebinding); for a reload. Call on this worker's thread.
    void set_rebinding(const policy::rebinding_settings& rebinding);

    // The forward zones (names), used as the bailiwick of answers for names under them.
    void set_forward_zones(const std::vector<upstream::forward_zone>& zones);

    // Keys with an upstream query in flight (coalescing table size).
    std::size_t keys_in_flight() const { return flights_.size(); }

    // Where the answer last handed out came from: the answer handle() just returned, or the one
    // a reply function is being called with (for the query log).
    answer_source last_source() const { return last_source_; }

    // The query log (query_log.hpp): this worker's ring, or null (off, the default). Set before
    // the first query.
    void set_query_log(query_log_ring* ring) { query_log_ = ring; }
    bool logging_queries() const { return query_log_ != nullptr; }
    // Records `answer` (just handed to `client`, of `client_length` bytes of sockaddr) with
    // last_source(); the query arrived at `arrived`. Call only when logging_queries().
    void log_answer(const sockaddr* client, socklen_t client_length, transport via,
                    std::span<const std::uint8_t> answer,
                    std::chrono::steady_clock::time_point arrived);

private:
    struct waiter {
        pending_query pending;
        reply_fn reply;
    };
    // One upstream query for a key and the clients waiting for it.
    struct flight {
        std::uint64_t serial = 0;
        std::vector<waiter> waiters;
        std::unique_ptr<boost::asio::steady_timer> stale_timer;
        bool slow = false;      // stale_wait has passed without an answer
        bool follower = false;  // another worker asks upstream; its result is delivered to us
    };
    struct key_hash {
        const cache::key_hasher* hasher;
        std::size_t operator()(const cache::key& k) const { return (*hasher)(k); }
    };

    handle_result handle_query(std::span<const std::uint8_t> query, transport via,
                               std::span<std::uint8_t> out, std::size_t& length,
                               pending_query& pending);
    // Counts an answer handed to a transport: answers and responses_by_rcode.
    void count_answer(std::span<const std::uint8_t> answer);
    void forward_uncached(const pending_query& pending, reply_fn reply);
    // RFC 8482 section 4.2: the answer to ANY over UDP, one synthesised HINFO "RFC8482" "".
    std::size_t answer_any_minimally(std::span<const std::uint8_t> query,
                                     const wire::query_view& view, std::span<std::uint8_t> out);
    // Local data: the answer for `view` if local data covers its name (length 0 when it does not),
    // or, for a chain leaving local data on a cache miss, `chase` set.
    std::size_t answer_locally(std::span<const std::uint8_t> query, const wire::query_view& view,
                               std::size_t limit, std::span<std::uint8_t> out, bool& chase);
    // The query for the target of a chain leaving local data (ID 0, RD, the client's CD and DO)
    // into chase_query_, parsed into chase_view_; false if it cannot be built.
    bool make_chase_query(const zone::local_result& chain, const wire::query_view& client);
    void forward_chase(const pending_query& pending, reply_fn reply);
    void complete(const pending_query& pending, const upstream::forward_result& result,
                  const reply_fn& reply);
    flight& start_flight(const cache::key& k);
    void prefetch(const cache::key& k);
    void on_upstream(const cache::key& k, std::uint64_t serial,
                     const upstream::forward_result& result);
    void on_remote_result(const cache::key& k, const shared_result& result);
    void answer_waiters(flight& done, const cache::key& k, const upstream::forward_result& result);
    void on_stale_timer(const cache::key& k, std::uint64_t serial);
    void remember_failure(const cache::key& k);
    // The stale (or fresh) cached answer for a waiter in answer_buffer_; 0 if there is none.
    std::size_t cached_answer_for(const cache::key& k, const pending_query& pending);
    void reply_servfail(const pending_query& pending, const reply_fn& reply);
    // DNS rebinding protection of an upstream answer, before it is cached or relayed: the
    // result itself, or one whose answer (in screened_) lacks private addresses, or `failed`
    // when the answer cannot be filtered. Valid until the next call.
    upstream::forward_result screen(const upstream::forward_result& result);
    const wire::name* bailiwick_for(const cache::key& k) const;
    std::size_t answer_error(std::span<const std::uint8_t> query, const wire::query_view& view,
                             wire::rcode code, std::span<std::uint8_t> out);

    settings settings_;
    upstream::forwarder* forwarder_;
    handler_counters& counters_;
    std::size_t in_flight_ = 0;
    answer_source last_source_ = answer_source::error;
    query_log_ring* query_log_ = nullptr;
    wire::packet_index upstream_index_;
    std::vector<std::uint8_t> answer_buffer_;
    cache_options cache_;
    std::vector<wire::name> forward_zones_;
    cache::key_hasher flight_hasher_;
    std::unordered_map<cache::key, std::unique_ptr<flight>, key_hash> flights_;
    std::uint64_t next_serial_ = 1;
    flight_member member_;  // how the registry reaches this handler
    std::shared_ptr<const zone::local_data> local_;
    std::array<std::uint8_t, wire::header::size + wire::max_name_length + 4 + wire::opt_record_size>
        chase_query_{};
    std::size_t chase_query_length_ = 0;
    wire::query_view chase_view_;
    std::vector<std::uint8_t> chase_buffer_;  // the client's answer to a chased chain
    policy::rebinding_filter rebinding_;
    policy::rebinding_filter::allow_fn is_local_name_;
    std::vector<std::uint8_t> screened_;  // a filtered upstream answer
};

}  // namespace residns::server
