// Worker set-up, its thread, and draining at shutdown.
#include "residns/server/worker.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <stdexcept>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

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
    : work_(io_.get_executor()), settings_(config), rate_limit_(settings_.policy.rate_limit) {
    policy_.acl = policy::access_control(settings_.policy.access);
    policy_.edns_udp_size = settings_.edns_udp_size;
    if (rate_limit_.enabled) policy_.limiter = std::make_unique<policy::rate_limiter>(rate_limit_);
    forwarder_ = make_forwarder(io_);
    handler_ = std::make_unique<query_handler>(
        settings_, *forwarder_, handler_counters_,
        cache_options{.cache = cache, .io = &io_, .registry = registry});
    handler_->set_forward_zones(forward_zones);
    auto listeners = bind_listeners(bind_to);
    attach_here(listeners, false);
}

listener_set worker::bind_listeners(const std::vector<bound_address>& addresses) {
    listener_set out;
    for (const auto& where : addresses) {
        // A port of 0 is resolved by the UDP socket and TCP takes the same number, which a TCP
        // socket elsewhere may hold already: then both are tried again on another port.
        for (int attempt = 1;; ++attempt) {
            auto udp = std::make_shared<udp_listener>(
                io_, boost::asio::ip::udp::endpoint(where.address, where.port), *handler_,
                transport_counters_, policy_);
            const std::uint16_t port = udp->local_endpoint().port();
            try {
                out.tcp.push_back(std::make_shared<tcp_listener>(
                    io_, boost::asio::ip::tcp::endpoint(where.address, port), settings_.tcp,
                    *handler_, tcp_table_, transport_counters_, policy_));
            } catch (const boost::system::system_error& e) {
                if (where.port != 0 || attempt == 16 ||
                    e.code() != boost::asio::error::address_in_use) {
                    throw;
                }
                continue;
            }
            out.udp.push_back(std::move(udp));
            break;
        }
    }
    return out;
}

listener_set worker::adopt(const std::vector<inherited_socket>& sockets) {
    listener_set out;
    for (const auto& s : sockets) {
        const int fd = ::fcntl(s.fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0) {
            throw boost::system::system_error(errno, boost::system::system_category(), "dup");
        }
        if (s.tcp) {
            out.tcp.push_back(std::make_shared<tcp_listener>(
                io_, fd, boost::asio::ip::tcp::endpoint(s.local.address, s.local.port),
                settings_.tcp, *handler_, tcp_table_, transport_counters_, policy_));
        } else {
            out.udp.push_back(std::make_shared<udp_listener>(
                io_, fd, boost::asio::ip::udp::endpoint(s.local.address, s.local.port), *handler_,
                transport_counters_, policy_));
        }
    }
    return out;
}

void worker::attach_here(listener_set& listeners, bool start) {
    for (auto& udp : listeners.udp) {
        if (start) udp->start();
        udp_.push_back(std::move(udp));
    }
    for (auto& tcp : listeners.tcp) {
        if (start) tcp->start();
        tcp_.push_back(std::move(tcp));
    }
}

void worker::attach(listener_set listeners) {
    if (!thread_.joinable()) {
        attach_here(listeners, false);  // start_thread() starts them
        return;
    }
    boost::asio::post(io_, [this, listeners = std::move(listeners)]() mutable {
        if (draining_) {
            for (auto& udp : listeners.udp)
                udp->close();
            for (auto& tcp : listeners.tcp)
                tcp->stop();
            return;
        }
        attach_here(listeners, true);
    });
}

void worker::detach(std::vector<bound_address> addresses) {
    boost::asio::post(io_, [this, addresses = std::move(addresses)] {
        const auto listed = [&](const auto& endpoint) {
            const bound_address a{endpoint.address(), endpoint.port()};
            return std::find(addresses.begin(), addresses.end(), a) != addresses.end();
        };
        std::erase_if(udp_, [&](const std::shared_ptr<udp_listener>& udp) {
            if (!listed(udp->local_endpoint())) return false;
            udp->close();
            return true;
        });
        std::erase_if(tcp_, [&](const std::shared_ptr<tcp_listener>& tcp) {
            if (!listed(tcp->local_endpoint())) return false;
            tcp->stop();
            return true;
        });
    });
}

void worker::set_policy(const policy::settings& config) {
    // Built here, on the controlling thread: the worker's thread only swaps.
    auto acl = std::make_shared<policy::access_control>(config.access);
    std::shared_ptr<policy::rate_limiter> limiter;
    const bool new_limiter = config.rate_limit != rate_limit_;
    if (new_limiter && config.rate_limit.enabled) {
        limiter = std::make_shared<policy::rate_limiter>(config.rate_limit);
    }
    rate_limit_ = config.rate_limit;
    boost::asio::post(io_, [this, acl = std::move(acl), limiter = std::move(limiter), new_limiter,
                            rebinding = config.rebinding] {
        policy_.acl = std::move(*acl);
        handler_->set_rebinding(rebinding);
        if (!new_limiter) return;
        // Buckets are per settings: a changed rate starts with full buckets.
        policy_.limiter.reset();
        if (limiter) policy_.limiter = std::make_unique<policy::rate_limiter>(std::move(*limiter));
    });
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
        draining_ = true;
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
