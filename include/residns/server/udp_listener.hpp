// One UDP socket of one worker (SO_REUSEPORT spreads clients across workers). When the socket is
// readable it takes datagrams in batches with recvmmsg, answers what it can at once, and sends the
// batch of answers with one sendmmsg. Bound to a wildcard address it learns each datagram's
// destination (IP_PKTINFO / IPV6_RECVPKTINFO) and replies from that address.
//
// Threading: used only on its worker's thread. Forwarded answers arrive later through a reply
// callback that holds a weak reference, so the listener may close first.
#pragma once

#include <array>
#include <memory>
#include <sys/socket.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "residns/server/counters.hpp"
#include "residns/server/query_handler.hpp"

namespace residns::server {

class udp_listener : public std::enable_shared_from_this<udp_listener> {
public:
    // Opens and binds the socket; throws boost::system::system_error on failure (start-up only).
    udp_listener(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& local,
                 query_handler& handler, transport_counters& counters);

    void start();
    // Stops reading new queries; answers still pending are sent if the socket stays open.
    void stop_reading();
    void close();
    boost::asio::ip::udp::endpoint local_endpoint() const { return socket_.local_endpoint(); }

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

    void wait_readable();
    void on_readable();
    void capture_destination(const msghdr& received, peer& out) const;
    void send_one(std::span<const std::uint8_t> answer, const peer& to);

    boost::asio::ip::udp::socket socket_;
    query_handler& handler_;
    transport_counters& counters_;
    bool wildcard_ = false;
    bool reading_ = false;

    std::array<std::array<std::uint8_t, receive_size>, batch_size> in_{};
    std::array<std::array<std::uint8_t, receive_size>, batch_size> out_{};
    std::array<peer, batch_size> peers_{};
    std::array<control_buffer, batch_size> in_control_{};
    // Reused for every datagram: handle() fills what it needs, so no per-packet initialisation.
    pending_query pending_;
};

}  // namespace residns::server
