// Batched UDP socket functions for c-ares: sendmmsg of the queries queued in one turn of the
// loop, recvmmsg of the answers (see batched_udp.hpp).
#include "batched_udp.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

namespace residns::upstream::detail {

batched_udp::batched_udp(boost::asio::io_context& io, int receive_buffer_bytes)
    : io_(io),
      receive_buffer_bytes_(receive_buffer_bytes),
      send_queue_(send_slots),
      received_(receive_slots) {}

void batched_udp::install(ares_channel channel) {
    static const ares_socket_functions functions{&batched_udp::on_socket, &batched_udp::on_close,
                                                 &batched_udp::on_connect, &batched_udp::on_receive,
                                                 &batched_udp::on_send};
    ares_set_socket_functions(channel, &functions, this);
}

ares_socket_t batched_udp::on_socket(int domain, int type, int protocol, void* self) {
    return static_cast<batched_udp*>(self)->open(domain, type, protocol);
}

int batched_udp::on_close(ares_socket_t fd, void* self) {
    return static_cast<batched_udp*>(self)->close(fd);
}

int batched_udp::on_connect(ares_socket_t fd, const sockaddr* to, ares_socklen_t length,
                            void* /*self*/) {
    return ::connect(fd, to, length);
}

ares_ssize_t batched_udp::on_receive(ares_socket_t fd, void* data, std::size_t length,
                                     int /*flags*/, sockaddr* from, ares_socklen_t* from_length,
                                     void* self) {
    return static_cast<batched_udp*>(self)->receive(fd, data, length, from, from_length);
}

ares_ssize_t batched_udp::on_send(ares_socket_t fd, const iovec* vectors, int count, void* self) {
    return static_cast<batched_udp*>(self)->send(fd, vectors, count);
}

// c-ares sets no option on sockets that it does not open itself: what it would set, we do.
ares_socket_t batched_udp::open(int domain, int type, int protocol) {
    const int fd = ::socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0) return ARES_SOCKET_BAD;
    if (type == SOCK_DGRAM) {
        if (receive_buffer_bytes_ > 0) {
            ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes_,
                         sizeof receive_buffer_bytes_);
        }
        try {
            udp_fds_.push_back(fd);
        } catch (...) {
            ::close(fd);
            return ARES_SOCKET_BAD;
        }
    } else if (type == SOCK_STREAM) {
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    return fd;
}

int batched_udp::close(ares_socket_t fd) {
    // Whatever is still queued for this socket would go to the next socket with its number.
    for (auto& o : send_queue_) {
        if (o.fd == fd) o.fd = -1;
    }
    if (received_fd_ == fd) received_fd_ = -1;
    udp_fds_.erase(std::remove(udp_fds_.begin(), udp_fds_.end(), fd), udp_fds_.end());
    return ::close(fd);
}

bool batched_udp::is_udp(int fd) const {
    return std::find(udp_fds_.begin(), udp_fds_.end(), fd) != udp_fds_.end();
}

ares_ssize_t batched_udp::receive(ares_socket_t fd, void* data, std::size_t length, sockaddr* from,
                                  ares_socklen_t* from_length) {
    // TCP reads (no address asked for) and sockets we did not open go straight through.
    if (from == nullptr || !is_udp(fd)) {
        return ::recvfrom(fd, data, length, 0, from, from_length);
    }
    if (received_fd_ == fd && received_next_ == received_count_) {
        received_fd_ = -1;
        if (received_count_ < receive_slots) {
            // The last recvmmsg emptied the socket: no need to ask again to learn that. Data
            // arriving since is reported by the reactor when the watch is re-armed.
            errno = EAGAIN;
            return -1;
        }
    }
    if (received_fd_ != fd) {
        std::array<mmsghdr, receive_slots> messages{};
        std::array<iovec, receive_slots> vectors{};
        for (std::size_t i = 0; i < receive_slots; ++i) {
            vectors[i] = {received_[i].bytes.data(), receive_size};
            msghdr& h = messages[i].msg_hdr;
            h.msg_name = &received_[i].from;
            h.msg_namelen = sizeof(sockaddr_storage);
            h.msg_iov = &vectors[i];
            h.msg_iovlen = 1;
        }
        const int n = ::recvmmsg(fd, messages.data(), receive_slots, MSG_DONTWAIT, nullptr);
        if (n <= 0) return n;  // errno as recvfrom would leave it
        for (int i = 0; i < n; ++i) {
            auto& in = received_[static_cast<std::size_t>(i)];
            in.length = messages[static_cast<std::size_t>(i)].msg_len;
            in.from_length = messages[static_cast<std::size_t>(i)].msg_hdr.msg_namelen;
        }
        received_fd_ = fd;
        received_count_ = static_cast<std::size_t>(n);
        received_next_ = 0;
    }
    const incoming& in = received_[received_next_++];
    const std::size_t n = std::min(length, in.length);
    std::memcpy(data, in.bytes.data(), n);
    if (from_length != nullptr) {
        std::memcpy(from, &in.from, std::min<std::size_t>(*from_length, in.from_length));
        *from_length = in.from_length;
    }
    return static_cast<ares_ssize_t>(n);
}

ares_ssize_t batched_udp::send(ares_socket_t fd, const iovec* vectors, int count) {
    std::size_t total = 0;
    for (int i = 0; i < count; ++i)
        total += vectors[i].iov_len;
    if (!is_udp(fd) || total > max_upstream_query_size) {
        msghdr h{};
        h.msg_iov = const_cast<iovec*>(vectors);
        h.msg_iovlen = static_cast<std::size_t>(count);
        return ::sendmsg(fd, &h, MSG_NOSIGNAL);
    }
    if (queued_ == send_slots) flush();
    outgoing& o = send_queue_[queued_++];
    o.fd = fd;
    o.length = 0;
    for (int i = 0; i < count; ++i) {
        std::memcpy(o.bytes.data() + o.length, vectors[i].iov_base, vectors[i].iov_len);
        o.length += vectors[i].iov_len;
    }
    if (!flush_posted_) {
        flush_posted_ = true;
        boost::asio::post(io_, [weak = weak_from_this()] {
            if (auto self = weak.lock()) self->flush();
        });
    }
    return static_cast<ares_ssize_t>(total);
}

void batched_udp::flush() {
    flush_posted_ = false;
    for (std::size_t i = 0; i < queued_; ++i) {
        if (send_queue_[i].fd >= 0) flush_fd(send_queue_[i].fd, i);
    }
    queued_ = 0;
}

// Sends the queued datagrams of one socket, from `first` on, and marks them sent.
void batched_udp::flush_fd(int fd, std::size_t first) {
    std::array<mmsghdr, send_slots> messages{};
    std::array<iovec, send_slots> vectors{};
    std::size_t count = 0;
    for (std::size_t i = first; i < queued_; ++i) {
        outgoing& o = send_queue_[i];
        if (o.fd != fd) continue;
        o.fd = -1;
        vectors[count] = {o.bytes.data(), o.length};
        messages[count].msg_hdr.msg_iov = &vectors[count];
        messages[count].msg_hdr.msg_iovlen = 1;
        ++count;
    }
    std::size_t sent = 0;
    bool retried = false;
    while (sent < count) {
        const int n = ::sendmmsg(fd, messages.data() + sent, static_cast<unsigned>(count - sent),
                                 MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        // A pending error (an ICMP port unreachable) is reported once: try once more, then
        // drop that datagram (its query times out) and go on with the others.
        if (retried) {
            ++sent;
            retried = false;
        } else {
            retried = true;
        }
    }
}

}  // namespace residns::upstream::detail
