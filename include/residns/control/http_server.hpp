// The metrics and health endpoint: a small HTTP/1.1 server (Boost.Beast) on the daemon's control
// io_context, never on a worker. GET /metrics (Prometheus text 0.0.4), /health (200 "ok" while
// the process runs), /ready (200 or 503 as `ready` says); 404 for other paths, 405 for other
// methods. Requests are bounded (8 KiB of header, no body), each connection has an idle timeout,
// keep-alive is honoured, and at most max_connections are open at once.
//
// Threading: everything runs on the io_context given to the constructor (one thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace residns::control {

struct http_handlers {
    std::function<std::string()> metrics;  // the exposition text
    std::function<bool()> ready;
};

struct http_limits {
    std::size_t max_header_bytes = 8192;
    std::chrono::milliseconds idle_timeout{10'000};
    std::size_t max_connections = 64;
};

struct http_response {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

// The routing alone (tests call it without a socket).
http_response route(std::string_view method, std::string_view target, const http_handlers& h);

class http_server {
public:
    // Binds and listens at once (throws boost::system::system_error on failure); accepts once
    // the io_context runs.
    http_server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at,
                http_handlers handlers, http_limits limits = {});
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace residns::control
