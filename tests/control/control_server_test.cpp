// The HTTP endpoint and the control socket over real loopback/Unix sockets: routes, status codes,
// keep-alive, bounded requests; socket mode 0600, one command per connection, stale socket files.
#include "residns/control/control_server.hpp"

#include <filesystem>
#include <future>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "residns/control/http_server.hpp"

namespace residns::control {
namespace {

using tcp = boost::asio::ip::tcp;

TEST(HttpRoute, PathsAndMethods) {
    bool ready = false;
    const http_handlers h{.metrics = [] { return std::string("residns_x 1\n"); },
                          .ready = [&] { return ready; }};
    const auto metrics = route("GET", "/metrics", h);
    EXPECT_EQ(metrics.status, 200u);
    EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(metrics.body, "residns_x 1\n");
    EXPECT_EQ(route("GET", "/metrics?x=1", h).status, 200u);
    EXPECT_EQ(route("GET", "/health", h).status, 200u);
    EXPECT_EQ(route("GET", "/health", h).body, "ok\n");
    EXPECT_EQ(route("GET", "/ready", h).status, 503u);
    ready = true;
    EXPECT_EQ(route("GET", "/ready", h).status, 200u);
    EXPECT_EQ(route("GET", "/", h).status, 404u);
    EXPECT_EQ(route("POST", "/metrics", h).status, 405u);
}

// Runs `client` (blocking socket calls) on another thread while the server's io_context runs on
// this one, so that the server is only ever touched by this thread.
template <typename F>
auto with_io(boost::asio::io_context& io, F client) {
    auto done = std::async(std::launch::async, client);
    while (done.wait_for(std::chrono::seconds{0}) != std::future_status::ready) {
        io.restart();
        io.run_for(std::chrono::milliseconds{5});
    }
    return done.get();
}

std::string http_exchange(const tcp::endpoint& at, const std::string& request) {
    boost::asio::io_context io;
    tcp::socket s(io);
    s.connect(at);
    boost::asio::write(s, boost::asio::buffer(request));
    std::string reply;
    boost::system::error_code ec;
    std::array<char, 4096> buffer;
    while (true) {
        const std::size_t n = s.read_some(boost::asio::buffer(buffer), ec);
        if (ec) break;
        reply.append(buffer.data(), n);
    }
    return reply;
}

TEST(HttpServer, ServesMetricsWithKeepAliveAndRejectsHugeRequests) {
    boost::asio::io_context io;
    http_server server(
        io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        {.metrics = [] { return std::string("residns_x 1\n"); }, .ready = [] { return true; }},
        {.max_header_bytes = 1024, .idle_timeout = std::chrono::seconds{2}});
    const auto at = server.local_endpoint();
    // Two requests on one connection, the second closing it.
    const std::string reply = with_io(io, [&] {
        return http_exchange(
            at,
            "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n"
            "Connection: close\r\n\r\n");
    });
    EXPECT_EQ(reply.find("HTTP/1.1 200 OK\r\n"), 0u) << reply;
    EXPECT_NE(reply.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
              std::string::npos);
    EXPECT_NE(reply.find("\r\n\r\nresidns_x 1\nHTTP/1.1 404 Not Found\r\n"), std::string::npos)
        << reply;
    const std::string huge = with_io(io, [&] {
        return http_exchange(at, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                                     std::string(4000, 'a') + "\r\n\r\n");
    });
    EXPECT_EQ(huge.find("HTTP/1.1 400 Bad Request\r\n"), 0u) << huge;
}

class counting_backend : public control_backend {
public:
    std::string stats() override { return "queries.udp 1\n"; }
    reply reload() override { return reply::error("no config"); }
    std::size_t flush_all() override { return 2; }
    std::size_t flush_name(const wire::name&) override { return 1; }
    std::size_t flush_subtree(const wire::name&) override { return 1; }
    reply dump() override { return {true, ""}; }
    bool set_log_level(const std::string&) override { return true; }
    std::string explain(const wire::name& n, std::uint16_t) override { return n.to_text() + "\n"; }
};

std::string ask(const std::string& path, const std::string& line) {
    using unix_socket = boost::asio::local::stream_protocol;
    boost::asio::io_context io;
    unix_socket::socket s(io);
    s.connect(unix_socket::endpoint(path));
    boost::asio::write(s, boost::asio::buffer(line));
    s.shutdown(boost::asio::local::stream_protocol::socket::shutdown_send);  // as residns-ctl does
    std::string reply;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(reply), ec);
    return reply;
}

std::filesystem::path temp_dir() {
    auto dir = std::filesystem::temp_directory_path() /
               ("residns-control-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(ControlServer, OwnerOnlySocketInACreatedDirectory) {
    const auto dir = temp_dir();
    const std::string path = (dir / "sub" / "control.sock").string();
    counting_backend backend;
    boost::asio::io_context io;
    {
        control_server server(io, path, backend);
        struct stat st {};
        ASSERT_EQ(::stat(path.c_str(), &st), 0);
        EXPECT_TRUE(S_ISSOCK(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        const auto ask_here = [&](const std::string& line) {
            return with_io(io, [&] { return ask(path, line); });
        };
        EXPECT_EQ(ask_here("stats\n"), "ok\nqueries.udp 1\n");
        EXPECT_EQ(ask_here("flush"), "ok\nflushed 2 entries\n");  // no newline: EOF ends it
        EXPECT_EQ(ask_here("reload\n"), "error: no config\n");
        EXPECT_EQ(ask_here(std::string(2000, 'x') + "\n"), "error: request line too long\n");
        // A second server on a live socket refuses to take it over.
        EXPECT_THROW(control_server(io, path, backend), std::runtime_error);
    }
    EXPECT_FALSE(std::filesystem::exists(path));  // removed with the server
    std::filesystem::remove_all(dir);
}

TEST(ControlServer, ReplacesAStaleSocketFile) {
    const auto dir = temp_dir();
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "control.sock").string();
    {
        // A socket file nobody listens on, as a killed daemon leaves it.
        boost::asio::io_context io;
        boost::asio::local::stream_protocol::acceptor a(io);
        a.open();
        a.bind(boost::asio::local::stream_protocol::endpoint(path));
    }
    ASSERT_TRUE(std::filesystem::exists(path));
    counting_backend backend;
    boost::asio::io_context io;
    control_server server(io, path, backend);
    EXPECT_EQ(with_io(io, [&] { return ask(path, "explain a.b\n"); }), "ok\na.b.\n");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace residns::control
