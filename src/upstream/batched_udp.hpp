// Socket functions for c-ares (ares_set_socket_functions) that batch the UDP datagrams of one
// worker's channels: queries are queued and sent with one sendmmsg per socket per turn of the
// event loop, answers are taken with one recvmmsg and handed to c-ares one by one. Profiling the
// cache-miss path showed one send, one recvfrom (plus an EAGAIN) per forwarded query, each
// syscall costly; c-ares 1.18 itself has no batching. TCP passes straight through.
//
// Semantics kept from plain sockets: datagrams longer than c-ares' buffer are cut to it (as
// recvfrom does); errors of recvmmsg reach c-ares as they would from recvfrom. What changes: a
// send error is not reported to c-ares (the datagram is retried once, then dropped and its query
// times out), and c-ares sees a send succeed before it reaches the kernel, in the same turn.
//
// Threading: one per worker, used only on its thread. Lifetime: shared_ptr; its posted flush
// holds a weak_ptr. Every channel using it must be destroyed before it (aclose runs inside
// ares_destroy).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sys/socket.h>
#include <utility>  // before Asio (see cares_forwarder.hpp)
#include <vector>

#include <ares.h>
#include <boost/asio/io_context.hpp>

#include "residns/upstream/upstream_query.hpp"

namespace residns::upstream::detail {

class batched_udp : public std::enable_shared_from_this<batched_udp> {
public:
    batched_udp(boost::asio::io_context& io, int receive_buffer_bytes);

    batched_udp(const batched_udp&) = delete;
    batched_udp& operator=(const batched_udp&) = delete;

    // Installs these functions on a channel that has opened no socket yet.
    void install(ares_channel channel);
    // Sends every queued datagram now.
    void flush();

private:
    static constexpr std::size_t send_slots = 64;
    static constexpr std::size_t receive_slots = 16;
    // c-ares reads UDP answers into a buffer of this size (MAXENDSSZ + 1).
    static constexpr std::size_t receive_size = 4097;

    struct outgoing {
        int fd = -1;
        std::size_t length = 0;
        std::array<std::uint8_t, max_upstream_query_size> bytes{};
    };
    struct incoming {
        std::array<std::uint8_t, receive_size> bytes{};
        sockaddr_storage from{};
        socklen_t from_length = 0;
        std::size_t length = 0;
    };

    static ares_socket_t on_socket(int domain, int type, int protocol, void* self);
    static int on_close(ares_socket_t fd, void* self);
    static int on_connect(ares_socket_t fd, const sockaddr* to, ares_socklen_t length, void* self);
    static ares_ssize_t on_receive(ares_socket_t fd, void* data, std::size_t length, int flags,
                                   sockaddr* from, ares_socklen_t* from_length, void* self);
    static ares_ssize_t on_send(ares_socket_t fd, const iovec* vectors, int count, void* self);

    ares_socket_t open(int domain, int type, int protocol);
    int close(ares_socket_t fd);
    ares_ssize_t receive(ares_socket_t fd, void* data, std::size_t length, sockaddr* from,
                         ares_socklen_t* from_length);
    ares_ssize_t send(ares_socket_t fd, const iovec* vectors, int count);
    bool is_udp(int fd) const;
    void flush_fd(int fd, std::size_t first);

    boost::asio::io_context& io_;
    int receive_buffer_bytes_;
    std::vector<int> udp_fds_;  // the UDP sockets c-ares opened through us
    std::vector<outgoing> send_queue_;
    std::size_t queued_ = 0;
    bool flush_posted_ = false;
    std::vector<incoming> received_;
    int received_fd_ = -1;  // the socket the datagrams in received_ came from
    std::size_t received_count_ = 0;
    std::size_t received_next_ = 0;
};

}  // namespace residns::upstream::detail
