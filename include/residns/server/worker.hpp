// A worker: one thread with its own io_context, forwarder, query handler, UDP sockets and TCP
// acceptors (SO_REUSEPORT on every listen address). Workers share nothing mutable but the answer
// cache (thread-safe, owned by the daemon) and read only their own counters on the hot path.
//
// Listeners and policy can change while it runs (configuration reload): the controlling thread
// binds new listeners on the worker's io_context (bind_listeners, adopt), and attach / detach /
// set_policy hand the change to the worker's thread, so the listeners that stay, the query
// handler and the cache are never interrupted.
//
// Threading: construct and destroy on the controlling thread while the worker's thread is not
// running; the public functions are called on the controlling thread, and everything they change
// is changed on the worker's thread (through post()).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "residns/server/counters.hpp"
#include "residns/server/listener_policy.hpp"
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

    friend bool operator==(const bound_address&, const bound_address&) = default;
};

// A socket the daemon did not bind itself (socket activation): UDP or TCP, bound and (TCP)
// listening. Every worker serves its own dup() of it; the original stays with the caller.
struct inherited_socket {
    int fd = -1;
    bool tcp = false;
    bound_address local;
    std::string name;  // its $LISTEN_FDNAMES entry, may be empty
};

// Listeners bound for one worker that do not serve yet (attach() hands them over).
struct listener_set {
    std::vector<std::shared_ptr<udp_listener>> udp;
    std::vector<std::shared_ptr<tcp_listener>> tcp;
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

    // The addresses actually bound (UDP; TCP uses the same ports). Before start_thread() only.
    std::vector<bound_address> bound() const;

    // Binds UDP and TCP on each address (a port of 0: UDP picks one, TCP takes the same), on this
    // worker's io_context but not serving yet; throws boost::system::system_error.
    listener_set bind_listeners(const std::vector<bound_address>& addresses);
    // Listeners on dup()s of passed sockets; throws boost::system::system_error.
    listener_set adopt(const std::vector<inherited_socket>& sockets);
    // The listeners serve: at once before start_thread(), else from the worker's thread.
    void attach(listener_set listeners);
    // Closes the UDP sockets and TCP acceptors bound to `addresses` (open TCP sessions finish
    // their queries first).
    void detach(std::vector<bound_address> addresses);
    // Replaces the access list, the rate limiter (kept when its settings are unchanged) and the
    // rebinding protection.
    void set_policy(const policy::settings& policy);

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
    void attach_here(listener_set& listeners, bool start);

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
    listener_policy policy_;
    policy::rate_limit_settings rate_limit_;
    bool draining_ = false;  // worker thread
    tcp_connection_table tcp_table_;
    std::vector<std::shared_ptr<udp_listener>> udp_;
    std::vector<std::shared_ptr<tcp_listener>> tcp_;
    std::unique_ptr<boost::asio::steady_timer> drain_timer_;
    std::thread thread_;
};

// Parses "127.0.0.1" / "::1" into an address; throws std::invalid_argument when not numeric.
boost::asio::ip::address parse_listen_address(const std::string& text);

}  // namespace residns::server
