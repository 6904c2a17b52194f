// The metrics/health HTTP endpoint on Boost.Beast: one accept loop and one session per
// connection, all on the control io_context. Sessions hold the shared state, so the server may be
// destroyed while they finish (they see `stopped` and close).
#include "residns/control/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace residns::control {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

http_response route(std::string_view method, std::string_view target, const http_handlers& h) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics" && path != "/health" && path != "/ready") {
        return {404, "text/plain; charset=utf-8", "not found\n"};
    }
    if (method != "GET" && method != "HEAD") {
        return {405, "text/plain; charset=utf-8", "method not allowed\n"};
    }
    if (path == "/metrics") {
        return {200, "text/plain; version=0.0.4; charset=utf-8", h.metrics ? h.metrics() : ""};
    }
    if (path == "/health") return {200, "text/plain; charset=utf-8", "ok\n"};
    const bool ready = h.ready ? h.ready() : true;
    return {ready ? 200u : 503u, "text/plain; charset=utf-8", ready ? "ready\n" : "not ready\n"};
}

struct http_server::state : std::enable_shared_from_this<http_server::state> {
    state(boost::asio::io_context& io, http_handlers h, http_limits l)
        : acceptor(io), handlers(std::move(h)), limits(l) {}

    tcp::acceptor acceptor;
    http_handlers handlers;
    http_limits limits;
    std::size_t connections = 0;
    bool stopped = false;

    void accept();
};

namespace {

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, std::shared_ptr<http_server::state> server)
        : stream_(std::move(socket)), server_(std::move(server)) {
        ++server_->connections;
    }
    ~session() { --server_->connections; }

    void read() {
        if (server_->stopped) return;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->limits.max_header_bytes));
        parser_->body_limit(0);
        stream_.expires_after(server_->limits.idle_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || server_->stopped) return close();
        if (ec) {
            // Too large or malformed: say so once, then close. Timeouts and resets just close.
            if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
                return respond({400, "text/plain; charset=utf-8", "bad request\n"}, false, false);
            }
            return close();
        }
        const auto& request = parser_->get();
        const http_response r = route(std::string_view(request.method_string()),
                                      std::string_view(request.target()), server_->handlers);
        respond(r, request.keep_alive(), request.method() == http::verb::head);
    }

    void respond(const http_response& r, bool keep_alive, bool head_only) {
        response_ = {};
        response_.version(11);
        response_.result(r.status);
        response_.set(http::field::server, "residns");
        response_.set(http::field::content_type, r.content_type);
        response_.keep_alive(keep_alive);
        if (head_only) {
            response_.content_length(r.body.size());
        } else {
            response_.body() = r.body;
            response_.prepare_payload();
        }
        stream_.expires_after(server_->limits.idle_timeout);
        http::async_write(
            stream_, response_,
            [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                if (ec || !keep_alive) return self->close();
                self->read();
            });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_{8192};
    std::optional<http::request_parser<http::empty_body>> parser_;
    http::response<http::string_body> response_;
    std::shared_ptr<http_server::state> server_;
};

}  // namespace

void http_server::state::accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopped) return;
        if (!ec) {
            if (self->connections >= self->limits.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<session>(std::move(socket), self)->read();
            }
        } else if (ec != boost::asio::error::operation_aborted) {
            spdlog::debug("metrics: accept: {}", ec.message());
        }
        self->accept();
    });
}

http_server::http_server(boost::asio::io_context& io, const tcp::endpoint& at,
                         http_handlers handlers, http_limits limits)
    : state_(std::make_shared<state>(io, std::move(handlers), limits)) {
    state_->acceptor.open(at.protocol());
    state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    state_->acceptor.bind(at);
    state_->acceptor.listen();
    state_->accept();
}

http_server::~http_server() {
    state_->stopped = true;
    beast::error_code ignored;
    state_->acceptor.close(ignored);
}

tcp::endpoint http_server::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

}  // namespace residns::control
