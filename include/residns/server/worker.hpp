// A worker: one thread with its own io_context, forwarder, query handler, UDP sockets and TCP
// acceptors (SO_REUSEPORT on every listen address). Workers share nothing mutable but the answer
// cache (thread-safe, owned by the daemon) and read only their own counters on the hot path.
//
// Threading: construct and destroy on the controlling thread while the worker's thread is not
// running; everything else runs on the worker's thread (use post() to reach it).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "residns/policy/access_control.hpp"
#include "residns/policy/rate_limiter.hpp"
#include "residns/server/counters.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/server/settings.hpp"
#include "residns/server/tcp_listener.hpp"
#include "residns/server/udp_listener.hpp"
#include "residns/upstream/forwarder.hpp"

namespace residns::server {

// Makes the forwarder of one worker, on that worker's io_context.
using forwarder_factory =
    std::function<std::unique_ptr<upstream::forwarder>(boost::asio::io_context&)>;

struct bound_address {
    boost::asio::ip::address address;
    std::uint16_t port = 0;
};

class worker {
public:
    // Binds every listen address (UDP and TCP). `bind_to` gives the concrete ports (a config port
    // of 0 is resolved by the first worker and reused by the others). Throws on bind failures.
    // `cache` (may be null: no caching) and `registry` (may be null: no coalescing across
    // workers) must outlive the worker; `forward_zones` are the bailiwicks of cached answers.
    worker(const settings& config, const std::vector<bound_address>& bind_to,
           const forwarder_factory& make_forwarder, cache::answer_cache* cache = nullptr,
           const std::vector<upstream::forward_zone>& forward_zones = {},
           flight_registry* registry = nullptr);
    ~worker();
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    // The addresses actually bound (UDP; TCP uses the same ports).
    std::vector<bound_address> bound() const;

    void start_thread();
    // Asks the worker to stop reading queries and finish those in flight; its thread exits once
    // none remain or `deadline` has passed.
    void drain(std::chrono::milliseconds deadline);
    void join();

    // Replaces the forwarder and the forward zones (configuration reload); runs on the worker's
    // thread.
    void replace_forwarder(forwarder_factory make_forwarder,
                           std::vector<upstream::forward_zone> forward_zones = {});

    // Replaces the local data the worker answers from (start-up and reload); runs on the
    // worker's thread, before any query when called before start_thread().
    void set_local_data(std::shared_ptr<const zone::local_data> data);
    // The table that tags cache entries with their upstream (outlives the worker). Call before
    // start_thread().
    void set_upstream_origins(const upstream_origins* origins) { handler_->set_origins(origins); }
    // This worker's query log ring (outlives the worker), or null. Call before start_thread().
    void set_query_log(query_log_ring* ring) { handler_->set_query_log(ring); }

    const handler_counters& counters() const { return handler_counters_; }
    const transport_counters& transport() const { return transport_counters_; }
    boost::asio::io_context& io() { return io_; }

private:
    void drain_step(std::chrono::steady_clock::time_point deadline);

    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    settings settings_;
    handler_counters handler_counters_;
    transport_counters transport_counters_;
    std::unique_ptr<upstream::forwarder> forwarder_;
    // Forwarders replaced by a reload, kept until their queries complete.
    std::vector<std::unique_ptr<upstream::forwarder>> retired_forwarders_;
    std::unique_ptr<query_handler> handler_;
    // Policy of this worker's listeners: the access list, and the rate limiter (null when off;
    // per worker, so no locks: SO_REUSEPORT gives each worker its share of client addresses).
    policy::access_control acl_;
    std::unique_ptr<policy::rate_limiter> limiter_;
    tcp_connection_table tcp_table_;
    std::vector<std::shared_ptr<udp_listener>> udp_;
    std::vector<std::shared_ptr<tcp_listener>> tcp_;
    std::unique_ptr<boost::asio::steady_timer> drain_timer_;
    std::thread thread_;
};

// Parses "127.0.0.1" / "::1" into an address; throws std::invalid_argument when not numeric.
boost::asio::ip::address parse_listen_address(const std::string& text);

}  // namespace residns::server
