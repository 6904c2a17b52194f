// A worker on real loopback sockets with a forwarder that answers after a delay chosen by the
// question: UDP replies come from the address that was asked, TCP answers are pipelined and out
// of order, and the in-flight bound holds.
#include "residns/server/worker.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "residns/wire/message_builder.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::server {
namespace {

using bytes = std::vector<std::uint8_t>;

// Answers every question with one A record after a delay: 300 ms when the first label starts with
// "slow", otherwise at once (posted).
class delayed_forwarder : public upstream::forwarder {
public:
    explicit delayed_forwarder(boost::asio::io_context& io) : io_(io) {}

    void forward(const upstream::forward_request& request,
                 upstream::forward_callback done) override {
        bytes answer(512);
        wire::message_builder b(answer);
        b.hdr().id = 7;
        b.hdr().flags = 0x8180;
        b.add_question(request.qname, request.qtype, request.qclass);
        b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in,
                       60);
        std::uint8_t address[4] = {192, 0, 2, 1};
        b.put_bytes(address);
        b.end_record();
        answer.resize(b.finish());
        bool slow = request.qname.size() > 5 && request.qname[1] == 's' && request.qname[2] == 'l';
        auto timer = std::make_shared<boost::asio::steady_timer>(
            io_, std::chrono::milliseconds(slow ? 300 : 0));
        timer->async_wait([timer, answer,
                           done = std::move(done)](const boost::system::error_code&) {
            upstream::forward_result result{upstream::forward_status::answered, answer, nullptr};
            done(result);
        });
    }

private:
    boost::asio::io_context& io_;
};

bytes make_query(const std::string& qname, std::uint16_t id) {
    bytes buffer(512);
    wire::message_builder b(buffer);
    b.hdr().id = id;
    b.hdr().set_flag(wire::header_flag::rd, true);
    auto name = wire::name::from_text(qname).value();
    b.add_question(name.wire(), wire::rr_type::a, wire::rr_class::in);
    buffer.resize(b.finish());
    return buffer;
}

class WorkerTest : public ::testing::Test {
protected:
    void start(const std::string& address, tcp_settings tcp = {}) {
        config_.listen = {{address, 0}};
        config_.tcp = tcp;
        std::vector<bound_address> bind_to{{parse_listen_address(address), 0}};
        worker_ = std::make_unique<worker>(config_, bind_to, [](boost::asio::io_context& io) {
            return std::make_unique<delayed_forwarder>(io);
        });
        port_ = worker_->bound().at(0).port;
        worker_->start_thread();
    }
    void TearDown() override {
        if (worker_) {
            worker_->drain(std::chrono::milliseconds(500));
            worker_->join();
        }
    }

    settings config_;
    std::unique_ptr<worker> worker_;
    std::uint16_t port_ = 0;
};

sockaddr_in ipv4(const char* address, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, address, &a.sin_addr);
    return a;
}

bool wait_readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
}

TEST_F(WorkerTest, UdpReplyComesFromTheAddressAskedOnAWildcardSocket) {
    start("0.0.0.0");
    for (const char* target : {"127.0.0.1", "127.0.0.2"}) {
        int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        ASSERT_GE(fd, 0);
        sockaddr_in to = ipv4(target, port_);
        bytes query = make_query("www.example.", 0x4242);
        ASSERT_EQ(::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to),
                           sizeof to),
                  static_cast<ssize_t>(query.size()));
        ASSERT_TRUE(wait_readable(fd, 2000)) << target;
        std::uint8_t buffer[512];
        sockaddr_in from{};
        socklen_t from_length = sizeof from;
        ssize_t n = ::recvfrom(fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from),
                               &from_length);
        ASSERT_GT(n, 12);
        char text[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &from.sin_addr, text, sizeof text);
        EXPECT_STREQ(text, target);
        EXPECT_EQ(buffer[0], 0x42);
        EXPECT_EQ(buffer[1], 0x42);
        ::close(fd);
    }
}

int connect_tcp(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to = ipv4("127.0.0.1", port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return -1;
    return fd;
}

void send_framed(int fd, const bytes& query) {
    std::uint8_t length[2] = {static_cast<std::uint8_t>(query.size() >> 8),
                              static_cast<std::uint8_t>(query.size())};
    ASSERT_EQ(::send(fd, length, 2, 0), 2);
    ASSERT_EQ(::send(fd, query.data(), query.size(), 0), static_cast<ssize_t>(query.size()));
}

// Reads one framed message; empty on timeout or close.
bytes read_framed(int fd, int ms) {
    bytes data;
    std::size_t want = 2;
    while (data.size() < want) {
        if (!wait_readable(fd, ms)) return {};
        std::uint8_t chunk[4096];
        ssize_t n = ::recv(fd, chunk, std::min(sizeof chunk, want - data.size()), 0);
        if (n <= 0) return {};
        data.insert(data.end(), chunk, chunk + n);
        if (data.size() == 2 && want == 2) want = 2 + ((std::size_t{data[0]} << 8) | data[1]);
    }
    return bytes(data.begin() + 2, data.end());
}

TEST_F(WorkerTest, TcpAnswersPipelinedQueriesAsTheyComplete) {
    start("127.0.0.1");
    int fd = connect_tcp(port_);
    ASSERT_GE(fd, 0);
    send_framed(fd, make_query("slow.example.", 1));
    for (std::uint16_t id = 2; id <= 10; ++id)
        send_framed(fd, make_query("fast" + std::to_string(id) + ".example.", id));
    std::vector<std::uint16_t> order;
    for (int i = 0; i < 10; ++i) {
        bytes answer = read_framed(fd, 3000);
        ASSERT_GE(answer.size(), 12u);
        order.push_back(static_cast<std::uint16_t>((answer[0] << 8) | answer[1]));
    }
    EXPECT_NE(order.front(), 1);
    EXPECT_EQ(order.back(), 1);
    std::sort(order.begin(), order.end());
    for (std::uint16_t id = 1; id <= 10; ++id)
        EXPECT_EQ(order[id - 1u], id);
    ::close(fd);
}

TEST_F(WorkerTest, TcpInFlightBoundDelaysFurtherReads) {
    start("127.0.0.1", {.max_in_flight_per_connection = 1});
    int fd = connect_tcp(port_);
    ASSERT_GE(fd, 0);
    send_framed(fd, make_query("slow.example.", 1));
    send_framed(fd, make_query("fast.example.", 2));
    // With one query allowed in flight, the fast one is only read after the slow one completes.
    bytes first = read_framed(fd, 3000);
    bytes second = read_framed(fd, 3000);
    ASSERT_GE(first.size(), 12u);
    ASSERT_GE(second.size(), 12u);
    EXPECT_EQ(first[1], 1);
    EXPECT_EQ(second[1], 2);
    ::close(fd);
}

TEST_F(WorkerTest, IdleTcpConnectionIsClosed) {
    start("127.0.0.1", {.idle_timeout = std::chrono::milliseconds(200)});
    int fd = connect_tcp(port_);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(wait_readable(fd, 2000));
    std::uint8_t byte;
    EXPECT_EQ(::recv(fd, &byte, 1, 0), 0);  // orderly close
    ::close(fd);
}

TEST_F(WorkerTest, StalledPartialMessageIsCutOff) {
    start("127.0.0.1", {.idle_timeout = std::chrono::milliseconds(200)});
    int fd = connect_tcp(port_);
    ASSERT_GE(fd, 0);
    std::uint8_t one = 0;
    ASSERT_EQ(::send(fd, &one, 1, 0), 1);  // half of a length prefix, then nothing
    ASSERT_TRUE(wait_readable(fd, 2000));
    std::uint8_t byte;
    EXPECT_LE(::recv(fd, &byte, 1, 0), 0);
    ::close(fd);
}

}  // namespace
}  // namespace residns::server
