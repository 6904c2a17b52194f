// One UDP socket of one worker (SO_REUSEPORT spreads clients across workers). When the socket is
// readable it takes datagrams in batches with recvmmsg, answers what it can at once, and sends the
// batch of answers with one sendmmsg. Bound to a wildcard address it learns each datagram's
// destination (IP_PKTINFO / IPV6_RECVPKTINFO) and replies from that address.
//
// Before the query handler sees a datagram, the client's address is checked against the access
// list (REFUSED or nothing) and, when rate limiting is on, against its prefix's bucket (TC=1 or
// nothing); both are per-packet lookups without allocation, locks or logging.
//
// The socket is either bound here or adopted (socket activation: a dup of a socket bound by
// systemd). Threading: constructed on the controlling thread, then used only on its worker's
// thread. Forwarded answers arrive later through a reply
// callback that holds a weak reference, so the listener may close first.
#pragma once

#include <array>
#include <memory>
#include <sys/socket.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "residns/server/counters.hpp"
#include "residns/server/listener_policy.hpp"
#include "residns/server/query_handler.hpp"

namespace residns::server {

class udp_listener : public std::enable_shared_from_this<udp_listener> {
public:
    // Opens and binds the socket; throws boost::system::system_error on failure. `policy`
    // belongs to the worker and outlives the listener.
    udp_listener(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& local,
                 query_handler& handler, transport_counters& counters, listener_policy& policy);
    // Serves `fd`, a bound UDP socket it now owns (socket activation); throws on failure.
    udp_listener(boost::asio::io_context& io, int fd, const boost::asio::ip::udp::endpoint& local,
                 query_handler& handler, transport_counters& counters, listener_policy& policy);

    void start();
    // Stops reading new queries; answers still pending are sent if the socket stays open.
    void stop_reading();
    void close();
    // Where it is bound (valid after close()).
    boost::asio::ip::udp::endpoint local_endpoint() const { return local_; }

private:
    static constexpr std::size_t batch_size = 32;
    static constexpr std::size_t receive_size = 4096;
    static constexpr std::size_t control_size = 64;

    // Ancillary data must be aligned for cmsghdr.
    struct alignas(cmsghdr) control_buffer {
        std::array<unsigned char, control_size> bytes{};
        unsigned char* data() { return bytes.data(); }
        const unsigned char* data() const { return bytes.data(); }
    };

    // Where a datagram came from and which local address it was sent to.
    struct peer {
        sockaddr_storage address{};
        socklen_t address_length = 0;
        control_buffer control;  // our reply's IP_PKTINFO, if any
        std::size_t control_length = 0;
    };

    // Socket options and the wildcard flag, for bound and adopted sockets alike.
    void configure(const boost::asio::ip::udp::endpoint& local, bool bound_here);
    void wait_readable();
    void on_readable();
    void capture_destination(const msghdr& received, peer& out) const;
    // Queues a forwarded answer; flush_queued() sends the queue with one sendmmsg.
    void send_one(std::span<const std::uint8_t> answer, const peer& to);
    void flush_queued();
    void send_now(std::span<const std::uint8_t> answer, const peer& to);
    // The access list and rate limit for one datagram: true when they decided (`result` is
    // `answer` with the policy's answer in `out`, or `drop`), false when the handler should run.
    bool screen(std::span<const std::uint8_t> query, const peer& from,
                policy::rate_limiter::time_point now, std::span<std::uint8_t> out,
                std::size_t& length, handle_result& result);

    boost::asio::ip::udp::socket socket_;
    query_handler& handler_;
    transport_counters& counters_;
    listener_policy& policy_;
    boost::asio::ip::udp::endpoint local_;
    bool wildcard_ = false;
    bool reading_ = false;

    std::array<std::array<std::uint8_t, receive_size>, batch_size> in_{};
    std::array<std::array<std::uint8_t, receive_size>, batch_size> out_{};
    std::array<peer, batch_size> peers_{};
    std::array<control_buffer, batch_size> in_control_{};
    // Reused for every datagram: handle() fills what it needs, so no per-packet initialisation.
    pending_query pending_;
    // Forwarded answers waiting for the posted flush.
    std::array<std::array<std::uint8_t, receive_size>, batch_size> queued_out_{};
    std::array<std::size_t, batch_size> queued_length_{};
    std::array<peer, batch_size> queued_to_{};
    std::size_t queued_ = 0;
    bool flush_posted_ = false;
};

}  // namespace residns::server
