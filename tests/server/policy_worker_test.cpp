// The policy on a worker's real loopback sockets: the access list (refuse and drop, UDP and TCP,
// garbage from a refused client), UDP rate limiting with slip while TCP is never limited, and the
// RFC 8482 answer to ANY over UDP (ANY over TCP still reaches the forwarder).
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "residns/server/worker.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::server {
namespace {

using bytes = std::vector<std::uint8_t>;

// Answers every question at once (posted) with one A record, and counts the questions.
class counting_forwarder : public upstream::forwarder {
public:
    counting_forwarder(boost::asio::io_context& io, std::atomic<int>& asked)
        : io_(io), asked_(asked) {}

    void forward(const upstream::forward_request& request,
                 upstream::forward_callback done) override {
        ++asked_;
        bytes answer(512);
        wire::message_builder b(answer);
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
    std::atomic<int>& asked_;
};

bytes make_query(const std::string& qname, std::uint16_t id,
                 std::uint16_t qtype = wire::rr_type::a) {
    bytes buffer(512);
    wire::message_builder b(buffer);
    b.hdr().id = id;
    b.hdr().set_flag(wire::header_flag::rd, true);
    b.add_question(wire::name::from_text(qname).value().wire(), qtype, wire::rr_class::in);
    wire::edns e;
    b.add_opt(e);
    buffer.resize(b.finish());
    return buffer;
}

policy::prefix pfx(const char* text) {
    return *policy::parse_prefix(text).value;
}

class PolicyWorkerTest : public ::testing::Test {
protected:
    void start(policy::settings p) {
        config_.listen = {{"127.0.0.1", 0}};
        config_.policy = std::move(p);
        worker_ = std::make_unique<worker>(
            config_, std::vector<bound_address>{{parse_listen_address("127.0.0.1"), 0}},
            [this](boost::asio::io_context& io) {
                return std::make_unique<counting_forwarder>(io, asked_);
            });
        port_ = worker_->bound().at(0).port;
        worker_->start_thread();
        udp_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    }
    void TearDown() override {
        if (udp_ >= 0) ::close(udp_);
        if (worker_) {
            worker_->drain(std::chrono::milliseconds(500));
            worker_->join();
        }
    }

    sockaddr_in server() const {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port_);
        ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        return a;
    }

    void send_udp(const bytes& packet) const {
        const sockaddr_in to = server();
        ASSERT_EQ(::sendto(udp_, packet.data(), packet.size(), 0,
                           reinterpret_cast<const sockaddr*>(&to), sizeof to),
                  static_cast<ssize_t>(packet.size()));
    }

    // The next datagram, or empty after `ms` without one.
    bytes receive_udp(int ms) const {
        pollfd p{udp_, POLLIN, 0};
        if (::poll(&p, 1, ms) != 1) return {};
        bytes buffer(4096);
        const ssize_t n = ::recv(udp_, buffer.data(), buffer.size(), 0);
        buffer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return buffer;
    }

    // One query over a fresh TCP connection: the answer, or empty when the server closed.
    bytes ask_tcp(const bytes& query) const {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const sockaddr_in to = server();
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
            ::close(fd);
            return {};
        }
        bytes framed{static_cast<std::uint8_t>(query.size() >> 8),
                     static_cast<std::uint8_t>(query.size())};
        framed.insert(framed.end(), query.begin(), query.end());
        (void)::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL);
        bytes answer;
        std::uint8_t buffer[4096];
        pollfd p{fd, POLLIN, 0};
        while (::poll(&p, 1, 2000) == 1) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            answer.insert(answer.end(), buffer, buffer + n);
            if (answer.size() >= 2 && answer.size() >= 2u + ((answer[0] << 8) | answer[1])) break;
        }
        ::close(fd);
        if (answer.size() < 2) return {};
        return bytes(answer.begin() + 2, answer.end());
    }

    static wire::packet_index index(const bytes& packet) {
        wire::packet_index out;
        EXPECT_EQ(wire::index_packet(packet, out), wire::parse_error::none);
        return out;
    }

    settings config_;
    std::atomic<int> asked_{0};
    std::unique_ptr<worker> worker_;
    std::uint16_t port_ = 0;
    int udp_ = -1;
};

TEST_F(PolicyWorkerTest, LoopbackIsAllowedByDefault) {
    start({});
    send_udp(make_query("www.example.", 0x1111));
    const bytes answer = receive_udp(2000);
    ASSERT_FALSE(answer.empty());
    const auto i = index(answer);
    EXPECT_EQ(i.hdr.id, 0x1111);
    EXPECT_EQ(i.hdr.rcode_low(), 0);
    EXPECT_EQ(i.hdr.ancount, 1);
    EXPECT_EQ(worker_->transport().refused_acl.get(), 0u);
}

TEST_F(PolicyWorkerTest, AClientOutsideTheAllowListIsRefusedOverUdpAndTcp) {
    start({.access = {.allow = {pfx("192.0.2.0/24")}}});
    send_udp(make_query("www.example.", 0x2222));
    bytes answer = receive_udp(2000);
    ASSERT_FALSE(answer.empty());
    auto i = index(answer);
    EXPECT_EQ(i.hdr.id, 0x2222);
    EXPECT_EQ(i.hdr.rcode_low(), 5);
    EXPECT_EQ(i.hdr.ancount, 0);
    EXPECT_NE(i.edns.present, false);  // the client's OPT is answered

    // Garbage (and a response) from a refused client gets nothing.
    send_udp(bytes{0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0xff, 0xff, 0, 0, 0, 0, 1});
    bytes response = make_query("www.example.", 0x3333);
    response[2] |= 0x80;
    send_udp(response);
    EXPECT_TRUE(receive_udp(300).empty());

    answer = ask_tcp(make_query("www.example.", 0x4444));
    ASSERT_FALSE(answer.empty());
    i = index(answer);
    EXPECT_EQ(i.hdr.id, 0x4444);
    EXPECT_EQ(i.hdr.rcode_low(), 5);
    EXPECT_EQ(asked_.load(), 0);
    EXPECT_EQ(worker_->transport().refused_acl.get(), 2u);
}

TEST_F(PolicyWorkerTest, DenyWinsAndActionDropSendsNothing) {
    start({.access = {.deny = {pfx("127.0.0.1")}, .action = policy::acl_action::drop}});
    send_udp(make_query("www.example.", 0x5555));
    EXPECT_TRUE(receive_udp(300).empty());
    EXPECT_TRUE(ask_tcp(make_query("www.example.", 0x6666)).empty());
    EXPECT_EQ(asked_.load(), 0);
    EXPECT_EQ(worker_->transport().dropped_acl.get(), 2u);
    EXPECT_EQ(worker_->transport().refused_acl.get(), 0u);
}

TEST_F(PolicyWorkerTest, UdpOverTheRateGetsTcOrNothingWhileTcpIsNotLimited) {
    start({.rate_limit = {.enabled = true, .queries_per_second = 1, .burst = 5, .slip = 2}});
    for (std::uint16_t id = 1; id <= 25; ++id)
        send_udp(make_query("www.example.", id));
    int answered = 0;
    int truncated = 0;
    for (bytes answer = receive_udp(1000); !answer.empty(); answer = receive_udp(300)) {
        const auto i = index(answer);
        if (i.hdr.tc()) {
            ++truncated;
            EXPECT_EQ(i.hdr.ancount, 0);
            EXPECT_EQ(i.hdr.rcode_low(), 0);
        } else {
            ++answered;
        }
    }
    // 5 in the burst (perhaps one more refilled while sending), then every other excess query.
    EXPECT_GE(answered, 5);
    EXPECT_LE(answered, 6);
    EXPECT_GE(truncated, 9);
    EXPECT_LE(truncated, 10);
    EXPECT_EQ(worker_->transport().rate_limited_truncated.get(),
              static_cast<std::uint64_t>(truncated));
    EXPECT_EQ(worker_->transport().rate_limited_dropped.get() + truncated + answered, 25u);
    for (std::uint16_t id = 100; id < 110; ++id) {
        const bytes answer = ask_tcp(make_query("www.example.", id));
        ASSERT_FALSE(answer.empty()) << id;
        EXPECT_EQ(index(answer).hdr.ancount, 1);
    }
}

TEST_F(PolicyWorkerTest, AnyOverUdpGetsTheRfc8482AnswerAndOverTcpIsForwarded) {
    start({});
    bytes query = make_query("Host.Example.", 0x7777, wire::rr_type::any);
    send_udp(query);
    const bytes answer = receive_udp(2000);
    ASSERT_FALSE(answer.empty());
    const auto i = index(answer);
    EXPECT_EQ(i.hdr.id, 0x7777);
    EXPECT_EQ(i.hdr.rcode_low(), 0);
    ASSERT_EQ(i.hdr.ancount, 1);
    const auto& hinfo = i.records[0];
    EXPECT_EQ(hinfo.type, wire::rr_type::hinfo);
    EXPECT_EQ(hinfo.ttl, 3600u);
    const bytes rdata(answer.begin() + hinfo.rdata_offset,
                      answer.begin() + hinfo.rdata_offset + hinfo.rdata_length);
    EXPECT_EQ(rdata, (bytes{7, 'R', 'F', 'C', '8', '4', '8', '2', 0}));
    // The owner is the client's question name (in its case), and the OPT follows the record.
    ASSERT_LT(hinfo.owner_offset + 1u, answer.size());
    EXPECT_EQ(answer[hinfo.owner_offset], 0xc0);  // a pointer to the question's name
    EXPECT_EQ(answer[hinfo.owner_offset + 1], 12);
    EXPECT_EQ(answer[12 + 1], 'H');
    EXPECT_TRUE(i.edns.present);
    EXPECT_EQ(asked_.load(), 0);
    EXPECT_EQ(worker_->counters().any_minimal.get(), 1u);

    const bytes over_tcp = ask_tcp(make_query("host.example.", 0x8888, wire::rr_type::any));
    ASSERT_FALSE(over_tcp.empty());
    EXPECT_EQ(index(over_tcp).hdr.ancount, 1);
    EXPECT_EQ(asked_.load(), 1);
}

}  // namespace
}  // namespace residns::server
