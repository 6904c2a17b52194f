// Batched UDP receive and send with recvmmsg/sendmmsg on an Asio-owned socket.
#include "residns/server/udp_listener.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>

#include "residns/policy/policy_answer.hpp"

namespace residns::server {
namespace {

void set_option(int fd, int level, int option, int value) {
    if (::setsockopt(fd, level, option, &value, sizeof value) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(), "setsockopt");
    }
}

}  // namespace

udp_listener::udp_listener(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& local,
                           query_handler& handler, transport_counters& counters,
                           listener_policy& policy)
    : socket_(io), handler_(handler), counters_(counters), policy_(policy) {
    socket_.open(local.protocol());
    configure(local, true);
    socket_.bind(local);
    local_ = socket_.local_endpoint();
    socket_.non_blocking(true);
}

udp_listener::udp_listener(boost::asio::io_context& io, int fd,
                           const boost::asio::ip::udp::endpoint& local, query_handler& handler,
                           transport_counters& counters, listener_policy& policy)
    : socket_(io), handler_(handler), counters_(counters), policy_(policy), local_(local) {
    try {
        socket_.assign(local.protocol(), fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
    configure(local, false);
    socket_.non_blocking(true);
}

void udp_listener::configure(const boost::asio::ip::udp::endpoint& local, bool bound_here) {
    const int fd = socket_.native_handle();
    if (bound_here) set_option(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    // Buffers sized for bursts; the kernel caps them at net.core.*mem_max.
    set_option(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
    set_option(fd, SOL_SOCKET, SO_SNDBUF, 4 << 20);
    wildcard_ = local.address().is_unspecified();
    if (local.address().is_v6()) {
        // An adopted IPv6 socket may be dual-stack: its IPv4 datagrams then carry IPV6_PKTINFO
        // with a mapped address, and a reply may use it as the source.
        if (bound_here) set_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
        if (wildcard_) set_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    } else if (wildcard_) {
        set_option(fd, IPPROTO_IP, IP_PKTINFO, 1);
    }
}

void udp_listener::start() {
    reading_ = true;
    wait_readable();
}

void udp_listener::stop_reading() {
    reading_ = false;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
}

void udp_listener::close() {
    reading_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
}

void udp_listener::wait_readable() {
    socket_.async_wait(boost::asio::socket_base::wait_read,
                       [weak = weak_from_this()](const boost::system::error_code& error) {
                           auto self = weak.lock();
                           if (!self || error || !self->reading_) return;
                           self->on_readable();
                           if (self->reading_) self->wait_readable();
                       });
}

void udp_listener::capture_destination(const msghdr& received, peer& out) const {
    out.control_length = 0;
    if (!wildcard_) return;
    for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&received)); c != nullptr;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&received), c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            in_pktinfo reply{};
            reply.ipi_spec_dst = info.ipi_addr;  // answer from the address that was asked
            msghdr m{};
            m.msg_control = out.control.data();
            m.msg_controllen = CMSG_SPACE(sizeof reply);
            cmsghdr* r = CMSG_FIRSTHDR(&m);
            r->cmsg_level = IPPROTO_IP;
            r->cmsg_type = IP_PKTINFO;
            r->cmsg_len = CMSG_LEN(sizeof reply);
            std::memcpy(CMSG_DATA(r), &reply, sizeof reply);
            out.control_length = CMSG_SPACE(sizeof reply);
            return;
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            msghdr m{};
            m.msg_control = out.control.data();
            m.msg_controllen = CMSG_SPACE(sizeof info);
            cmsghdr* r = CMSG_FIRSTHDR(&m);
            r->cmsg_level = IPPROTO_IPV6;
            r->cmsg_type = IPV6_PKTINFO;
            r->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(r), &info, sizeof info);  // same address and interface
            out.control_length = CMSG_SPACE(sizeof info);
            return;
        }
    }
}

bool udp_listener::screen(std::span<const std::uint8_t> query, const peer& from,
                          policy::rate_limiter::time_point now, std::span<std::uint8_t> out,
                          std::size_t& length, handle_result& result) {
    const auto client = policy::from_sockaddr(reinterpret_cast<const sockaddr*>(&from.address),
                                              from.address_length);
    result = handle_result::drop;
    if (!client) return true;  // not IPv4 or IPv6: cannot happen on our sockets
    switch (policy_.acl.check(*client)) {
        case policy::acl_verdict::allow:
            break;
        case policy::acl_verdict::drop:
            counters_.dropped_acl.add();
            return true;
        case policy::acl_verdict::refuse:
            length = policy::write_policy_answer(query, wire::rcode::refused, false,
                                                 policy_.edns_udp_size, out);
            if (length > 0) {
                counters_.refused_acl.add();
                result = handle_result::answer;
            }
            return true;
    }
    policy::rate_limiter* limiter = policy_.limiter.get();
    if (limiter == nullptr) return false;
    switch (limiter->check(*client, now)) {
        case policy::rate_verdict::pass:
            return false;
        case policy::rate_verdict::drop:
            counters_.rate_limited_dropped.add();
            return true;
        case policy::rate_verdict::truncate:
            length = policy::write_policy_answer(query, wire::rcode::noerror, true,
                                                 policy_.edns_udp_size, out);
            if (length > 0) {
                counters_.rate_limited_truncated.add();
                result = handle_result::answer;
            } else {
                counters_.rate_limited_dropped.add();
            }
            return true;
    }
    return true;
}

void udp_listener::on_readable() {
    const int fd = socket_.native_handle();
    std::array<mmsghdr, batch_size> messages{};
    std::array<iovec, batch_size> vectors{};
    std::array<mmsghdr, batch_size> replies{};
    std::array<iovec, batch_size> reply_vectors{};
    // Bounded work per readiness event keeps other sockets and timers of this worker served.
    for (int round = 0; round < 8 && reading_; ++round) {
        for (std::size_t i = 0; i < batch_size; ++i) {
            vectors[i] = {in_[i].data(), receive_size};
            msghdr& h = messages[i].msg_hdr;
            h = {};
            h.msg_name = &peers_[i].address;
            h.msg_namelen = sizeof(sockaddr_storage);
            h.msg_iov = &vectors[i];
            h.msg_iovlen = 1;
            if (wildcard_) {
                h.msg_control = in_control_[i].data();
                h.msg_controllen = control_size;
            }
        }
        int received = ::recvmmsg(fd, messages.data(), batch_size, MSG_DONTWAIT, nullptr);
        if (received <= 0) {
            if (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                counters_.udp_receive_errors.add();
            }
            return;
        }
        // One clock read per batch (vDSO, no syscall) is precise enough for per-second rates.
        const auto now = policy_.limiter != nullptr ? std::chrono::steady_clock::now()
                                                    : policy::rate_limiter::time_point{};
        const auto arrived = handler_.logging_queries() ? std::chrono::steady_clock::now()
                                                        : std::chrono::steady_clock::time_point{};
        std::size_t reply_count = 0;
        for (int i = 0; i < received; ++i) {
            const msghdr& h = messages[static_cast<std::size_t>(i)].msg_hdr;
            peer& from = peers_[static_cast<std::size_t>(i)];
            from.address_length = h.msg_namelen;
            if ((h.msg_flags & MSG_TRUNC) != 0) {
                counters_.udp_oversized.add();
                continue;
            }
            capture_destination(h, from);
            std::size_t length = 0;
            auto query =
                std::span<const std::uint8_t>(in_[static_cast<std::size_t>(i)].data(),
                                              messages[static_cast<std::size_t>(i)].msg_len);
            handle_result result = handle_result::drop;
            if (!screen(query, from, now, out_[reply_count], length, result)) {
                result =
                    handler_.handle(query, transport::udp, out_[reply_count], length, pending_);
                if (result == handle_result::answer && handler_.logging_queries()) {
                    handler_.log_answer(reinterpret_cast<const sockaddr*>(&from.address),
                                        from.address_length, transport::udp,
                                        {out_[reply_count].data(), length}, arrived);
                }
            }
            if (result == handle_result::answer) {
                reply_vectors[reply_count] = {out_[reply_count].data(), length};
                msghdr& r = replies[reply_count].msg_hdr;
                r = {};
                r.msg_name = &from.address;
                r.msg_namelen = from.address_length;
                r.msg_iov = &reply_vectors[reply_count];
                r.msg_iovlen = 1;
                if (from.control_length > 0) {
                    r.msg_control = from.control.data();
                    r.msg_controllen = from.control_length;
                }
                ++reply_count;
            } else if (result == handle_result::forward) {
                handler_.forward(pending_, [weak = weak_from_this(), to = from,
                                            arrived](std::span<const std::uint8_t> answer) {
                    auto self = weak.lock();
                    if (!self) return;
                    self->send_one(answer, to);
                    if (self->handler_.logging_queries()) {
                        self->handler_.log_answer(reinterpret_cast<const sockaddr*>(&to.address),
                                                  to.address_length, transport::udp, answer,
                                                  arrived);
                    }
                });
            }
        }
        std::size_t sent = 0;
        while (sent < reply_count) {
            int n =
                ::sendmmsg(fd, replies.data() + sent, static_cast<unsigned>(reply_count - sent), 0);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                counters_.udp_send_errors.add(reply_count - sent);
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
        if (static_cast<std::size_t>(received) < batch_size) return;
    }
}

// Forwarded answers arrive one by one from the forwarder's handlers; they are queued and sent
// with one sendmmsg per turn of the loop (a sendmsg each was a third of the miss path's syscalls).
void udp_listener::send_one(std::span<const std::uint8_t> answer, const peer& to) {
    if (!socket_.is_open()) return;
    if (answer.size() > receive_size) {
        send_now(answer, to);
        return;
    }
    if (queued_ == batch_size) flush_queued();
    std::copy(answer.begin(), answer.end(), queued_out_[queued_].begin());
    queued_length_[queued_] = answer.size();
    queued_to_[queued_] = to;
    ++queued_;
    if (flush_posted_) return;
    flush_posted_ = true;
    boost::asio::post(socket_.get_executor(), [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->flush_queued();
    });
}

void udp_listener::flush_queued() {
    flush_posted_ = false;
    const std::size_t count = queued_;
    queued_ = 0;
    if (count == 0 || !socket_.is_open()) return;
    std::array<mmsghdr, batch_size> replies{};
    std::array<iovec, batch_size> vectors{};
    for (std::size_t i = 0; i < count; ++i) {
        peer& to = queued_to_[i];
        vectors[i] = {queued_out_[i].data(), queued_length_[i]};
        msghdr& r = replies[i].msg_hdr;
        r.msg_name = &to.address;
        r.msg_namelen = to.address_length;
        r.msg_iov = &vectors[i];
        r.msg_iovlen = 1;
        if (to.control_length > 0) {
            r.msg_control = to.control.data();
            r.msg_controllen = to.control_length;
        }
    }
    const int fd = socket_.native_handle();
    std::size_t sent = 0;
    while (sent < count) {
        int n = ::sendmmsg(fd, replies.data() + sent, static_cast<unsigned>(count - sent),
                           MSG_DONTWAIT);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            counters_.udp_send_errors.add();
            ++sent;  // skip the datagram that failed, send the others
            continue;
        }
        sent += static_cast<std::size_t>(n);
    }
}

void udp_listener::send_now(std::span<const std::uint8_t> answer, const peer& to) {
    iovec vector{const_cast<std::uint8_t*>(answer.data()), answer.size()};
    msghdr h{};
    h.msg_name = const_cast<sockaddr_storage*>(&to.address);
    h.msg_namelen = to.address_length;
    h.msg_iov = &vector;
    h.msg_iovlen = 1;
    if (to.control_length > 0) {
        h.msg_control = const_cast<unsigned char*>(to.control.data());
        h.msg_controllen = to.control_length;
    }
    if (::sendmsg(socket_.native_handle(), &h, MSG_DONTWAIT) < 0) counters_.udp_send_errors.add();
}

}  // namespace residns::server
