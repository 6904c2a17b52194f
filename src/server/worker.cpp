// Worker set-up, its thread, and draining at shutdown.
#include "residns/server/worker.hpp"

#include <stdexcept>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace residns::server {

boost::asio::ip::address parse_listen_address(const std::string& text) {
    boost::system::error_code error;
    auto address = boost::asio::ip::make_address(text, error);
    if (error) throw std::invalid_argument("not a numeric IP address: " + text);
    return address;
}

worker::worker(const settings& config, const std::vector<bound_address>& bind_to,
               const forwarder_factory& make_forwarder, cache::answer_cache* cache,
               const std::vector<upstream::forward_zone>& forward_zones, flight_registry* registry)
    : work_(io_.get_executor()), settings_(config), acl_(settings_.policy.access) {
    if (settings_.policy.rate_limit.enabled) {
        limiter_ = std::make_unique<policy::rate_limiter>(settings_.policy.rate_limit);
    }
    forwarder_ = make_forwarder(io_);
    handler_ = std::make_unique<query_handler>(
        settings_, *forwarder_, handler_counters_,
        cache_options{.cache = cache, .io = &io_, .registry = registry});
    handler_->set_forward_zones(forward_zones);
    for (const auto& where : bind_to) {
        auto udp = std::make_shared<udp_listener>(
            io_, boost::asio::ip::udp::endpoint(where.address, where.port), *handler_,
            transport_counters_, acl_, limiter_.get(), settings_.edns_udp_size);
        // A port of 0 is resolved by the UDP socket; TCP takes the same port.
        std::uint16_t port = udp->local_endpoint().port();
        auto tcp = std::make_shared<tcp_listener>(
            io_, boost::asio::ip::tcp::endpoint(where.address, port), settings_.tcp, *handler_,
            tcp_table_, transport_counters_, acl_, settings_.edns_udp_size);
        udp_.push_back(std::move(udp));
        tcp_.push_back(std::move(tcp));
    }
}

worker::~worker() {
    join();
    // Listeners first (they reference the handler), then the handler, then the forwarders,
    // whose destruction completes any remaining callbacks.
    udp_.clear();
    tcp_.clear();
    forwarder_.reset();
    retired_forwarders_.clear();
    handler_.reset();
}

std::vector<bound_address> worker::bound() const {
    std::vector<bound_address> result;
    for (const auto& udp : udp_) {
        auto endpoint = udp->local_endpoint();
        result.push_back({endpoint.address(), endpoint.port()});
    }
    return result;
}

void worker::start_thread() {
    for (auto& udp : udp_)
        udp->start();
    for (auto& tcp : tcp_)
        tcp->start();
    thread_ = std::thread([this] { io_.run(); });
}

void worker::drain(std::chrono::milliseconds deadline) {
    boost::asio::post(io_, [this, deadline] {
        for (auto& udp : udp_)
            udp->stop_reading();
        for (auto& tcp : tcp_)
            tcp->stop();
        drain_step(std::chrono::steady_clock::now() + deadline);
    });
}

void worker::drain_step(std::chrono::steady_clock::time_point deadline) {
    if (handler_->in_flight() == 0 || std::chrono::steady_clock::now() >= deadline) {
        for (auto& udp : udp_)
            udp->close();
        work_.reset();
        io_.stop();
        return;
    }
    drain_timer_ = std::make_unique<boost::asio::steady_timer>(io_, std::chrono::milliseconds(20));
    drain_timer_->async_wait([this, deadline](const boost::system::error_code& error) {
        if (!error) drain_step(deadline);
    });
}

void worker::join() {
    if (thread_.joinable()) thread_.join();
}

void worker::set_local_data(std::shared_ptr<const zone::local_data> data) {
    boost::asio::post(io_, [this, data = std::move(data)]() mutable {
        handler_->set_local_data(std::move(data));
    });
}

void worker::replace_forwarder(forwarder_factory make_forwarder,
                               std::vector<upstream::forward_zone> forward_zones) {
    auto replace = [this, make = std::move(make_forwarder), zones = std::move(forward_zones)] {
        auto fresh = make(io_);
        handler_->set_forwarder(*fresh);
        handler_->set_forward_zones(zones);
        if (forwarder_) retired_forwarders_.push_back(std::move(forwarder_));
        forwarder_ = std::move(fresh);
        // Old forwarders are kept until shutdown: their queries finish within their budget and
        // reloads are rare. Bound the list so a reload loop cannot grow it without limit.
        if (retired_forwarders_.size() > 8) retired_forwarders_.erase(retired_forwarders_.begin());
    };
    boost::asio::post(io_, std::move(replace));
}

}  // namespace residns::server
