// A running worker changed the way a reload changes it: a listener added on a new port answers
// there, a removed one stops answering while the others go on, a new access list applies to the
// next query, and a socket bound elsewhere (socket activation) is served through its duplicate.
#include <arpa/inet.h>
#include <chrono>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "residns/server/worker.hpp"
#include "residns/wire/message_builder.hpp"

namespace residns::server {
namespace {

using bytes = std::vector<std::uint8_t>;

// Answers every question at once with one A record.
class instant_forwarder : public upstream::forwarder {
public:
    explicit instant_forwarder(boost::asio::io_context& io) : io_(io) {}

    void forward(const upstream::forward_request& request,
                 upstream::forward_callback done) override {
        bytes answer(512);
        wire::message_builder b(answer);
        b.hdr().id = 7;
        b.hdr().flags = 0x8180;
        b.add_question(request.qname, request.qtype, request.qclass);
        b.begin_record(wire::section::answer, request.qname, wire::rr_type::a, wire::rr_class::in,
                       60);
        const std::uint8_t address[4] = {192, 0, 2, 1};
        b.put_bytes(address);
        b.end_record();
        answer.resize(b.finish());
        boost::asio::post(io_, [answer, done = std::move(done)] {
            done(upstream::forward_result{upstream::forward_status::answered, answer, nullptr});
        });
    }

private:
    boost::asio::io_context& io_;
};

bytes make_query(std::uint16_t id) {
    bytes buffer(512);
    wire::message_builder b(buffer);
    b.hdr().id = id;
    b.hdr().set_flag(wire::header_flag::rd, true);
    b.add_question(wire::name::from_text("www.example.").value().wire(), wire::rr_type::a,
                   wire::rr_class::in);
    buffer.resize(b.finish());
    return buffer;
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

// The RCODE of the answer to one UDP query on 127.0.0.1:port, or -1 when none came.
int udp_rcode(std::uint16_t port, int wait_ms = 1000) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const sockaddr_in to = loopback(port);
    const bytes query = make_query(0x5151);
    ::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    pollfd p{fd, POLLIN, 0};
    int rcode = -1;
    if (::poll(&p, 1, wait_ms) == 1) {
        std::uint8_t answer[512];
        const ssize_t n = ::recv(fd, answer, sizeof answer, 0);
        if (n >= 12 && answer[0] == 0x51 && answer[1] == 0x51) rcode = answer[3] & 0x0f;
    }
    ::close(fd);
    return rcode;
}

// The RCODE of the answer to one TCP query, or -1 (no connection or no answer).
int tcp_rcode(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in to = loopback(port);
    int rcode = -1;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) {
        const bytes query = make_query(0x6161);
        const std::uint8_t length[2] = {0, static_cast<std::uint8_t>(query.size())};
        ::send(fd, length, 2, MSG_NOSIGNAL);
        ::send(fd, query.data(), query.size(), MSG_NOSIGNAL);
        std::uint8_t answer[514];
        std::size_t have = 0;
        pollfd p{fd, POLLIN, 0};
        while (have < 14 && ::poll(&p, 1, 2000) == 1) {
            const ssize_t n = ::recv(fd, answer + have, sizeof answer - have, 0);
            if (n <= 0) break;
            have += static_cast<std::size_t>(n);
        }
        if (have >= 14) rcode = answer[5] & 0x0f;
    }
    ::close(fd);
    return rcode;
}

// Polls until `probe` returns `want` (the change is applied on the worker's thread).
template <class Probe>
bool eventually(Probe probe, int want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe() == want) return true;
    }
    return false;
}

constexpr int noerror = 0;
constexpr int refused = 5;

class WorkerReconfigureTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_.listen = {{"127.0.0.1", 0}};
        worker_ = std::make_unique<worker>(
            config_, std::vector<bound_address>{{parse_listen_address("127.0.0.1"), 0}},
            [](boost::asio::io_context& io) { return std::make_unique<instant_forwarder>(io); });
        first_port_ = worker_->bound().at(0).port;
        worker_->start_thread();
    }
    void TearDown() override {
        worker_->drain(std::chrono::milliseconds(500));
        worker_->join();
    }

    settings config_;
    std::unique_ptr<worker> worker_;
    std::uint16_t first_port_ = 0;
};

TEST_F(WorkerReconfigureTest, AListenerAttachedWhileRunningAnswersUdpAndTcp) {
    auto added = worker_->bind_listeners({{parse_listen_address("127.0.0.1"), 0}});
    ASSERT_EQ(added.udp.size(), 1U);
    const std::uint16_t port = added.udp.front()->local_endpoint().port();
    EXPECT_EQ(added.tcp.front()->local_endpoint().port(), port);
    worker_->attach(std::move(added));

    EXPECT_TRUE(eventually([&] { return udp_rcode(port, 200); }, noerror));
    EXPECT_EQ(tcp_rcode(port), noerror);
    EXPECT_EQ(udp_rcode(first_port_), noerror);
}

TEST_F(WorkerReconfigureTest, ADetachedListenerStopsAnsweringAndTheOthersGoOn) {
    auto added = worker_->bind_listeners({{parse_listen_address("127.0.0.1"), 0}});
    const std::uint16_t port = added.udp.front()->local_endpoint().port();
    worker_->attach(std::move(added));
    ASSERT_TRUE(eventually([&] { return udp_rcode(port, 200); }, noerror));

    worker_->detach({{parse_listen_address("127.0.0.1"), first_port_}});
    EXPECT_TRUE(eventually([&] { return tcp_rcode(first_port_); }, -1));
    EXPECT_EQ(udp_rcode(first_port_, 300), -1);
    EXPECT_EQ(udp_rcode(port), noerror);
    EXPECT_EQ(tcp_rcode(port), noerror);
}

TEST_F(WorkerReconfigureTest, ANewAccessListRefusesTheNextQueries) {
    ASSERT_EQ(udp_rcode(first_port_), noerror);
    policy::settings deny_loopback;
    deny_loopback.access.deny = {*policy::parse_prefix("127.0.0.0/8").value};
    worker_->set_policy(deny_loopback);
    EXPECT_TRUE(eventually([&] { return udp_rcode(first_port_, 200); }, refused));
    EXPECT_EQ(tcp_rcode(first_port_), refused);

    worker_->set_policy(policy::settings{});
    EXPECT_TRUE(eventually([&] { return udp_rcode(first_port_, 200); }, noerror));
}

TEST_F(WorkerReconfigureTest, AdoptedSocketsAreServedThroughTheirDuplicates) {
    // Bound the way systemd binds them for socket activation.
    const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in at = loopback(0);
    ASSERT_EQ(::bind(udp, reinterpret_cast<const sockaddr*>(&at), sizeof at), 0);
    socklen_t length = sizeof at;
    ASSERT_EQ(::getsockname(udp, reinterpret_cast<sockaddr*>(&at), &length), 0);
    const std::uint16_t port = ntohs(at.sin_port);
    const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(::bind(tcp, reinterpret_cast<const sockaddr*>(&at), sizeof at), 0);
    ASSERT_EQ(::listen(tcp, 16), 0);

    const bound_address local{parse_listen_address("127.0.0.1"), port};
    worker_->attach(worker_->adopt({{.fd = udp, .tcp = false, .local = local, .name = "dns"},
                                    {.fd = tcp, .tcp = true, .local = local, .name = "dns"}}));
    // The caller keeps its descriptors; the worker serves its own duplicates.
    ::close(udp);
    ::close(tcp);
    EXPECT_TRUE(eventually([&] { return udp_rcode(port, 200); }, noerror));
    EXPECT_EQ(tcp_rcode(port), noerror);
}

}  // namespace
}  // namespace residns::server
