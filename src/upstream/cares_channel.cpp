// A c-ares channel bridged into Asio: sockets watched with stream_descriptor::async_wait, never
// closed by Asio, stale handlers dropped by generation (see cares_channel.hpp).
#include "cares_channel.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

#include "batched_udp.hpp"
#include "residns/util/random.hpp"

namespace residns::upstream::detail {
namespace {

constexpr std::size_t id_words = 65536 / 64;

}  // namespace

cares_channel::cares_channel(passkey, boost::asio::io_context& io)
    : io_(io), ids_in_use_(id_words, 0), created_(clock::now()) {}

std::shared_ptr<cares_channel> cares_channel::create(boost::asio::io_context& io,
                                                     const channel_config& config) {
    auto channel = std::make_shared<cares_channel>(passkey{}, io);

    // Every option that init_by_resolv_conf would otherwise fill is given, so creating a
    // channel reads neither /etc/resolv.conf nor /etc/nsswitch.conf (measured with strace).
    static char lookups[] = "b";
    ares_options options{};
    options.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN | ARES_FLAG_EDNS;
    options.timeout = static_cast<int>(std::max<std::int64_t>(1, config.try_timeout.count()));
    options.tries = 1;
    options.ndots = 1;
    options.ednspsz = std::clamp<int>(config.edns_udp_size, 512, 4096);
    options.socket_receive_buffer_size = config.receive_buffer_bytes;
    options.sock_state_cb = &cares_channel::on_sock_state;
    options.sock_state_cb_data = channel.get();
    options.nservers = 0;
    options.ndomains = 0;
    options.nsort = 0;
    options.lookups = lookups;
    const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
                     ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF | ARES_OPT_SOCK_STATE_CB |
                     ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_SORTLIST | ARES_OPT_LOOKUPS;
    int status = ares_init_options(&channel->channel_, &options, mask);
    if (status != ARES_SUCCESS) {
        channel->channel_ = nullptr;
        throw std::runtime_error(std::string("ares_init_options: ") + ares_strerror(status));
    }
    if (config.batching != nullptr) config.batching->install(channel->channel_);
    ares_addr_port_node server = config.server;
    server.next = nullptr;
    status = ares_set_servers_ports(channel->channel_, &server);
    if (status != ARES_SUCCESS) {
        throw std::runtime_error(std::string("ares_set_servers_ports: ") + ares_strerror(status));
    }
    return channel;
}

cares_channel::~cares_channel() {
    // Runs the callbacks of pending queries (ARES_EDESTRUCTION) and our socket-state callback
    // for each socket it closes, which stops the watches.
    if (channel_ != nullptr) ares_destroy(channel_);
    for (auto& w : watches_)
        stop_watch(*w);
}

std::uint16_t cares_channel::reserve_id() {
    auto in_use = [this](std::uint16_t id) { return (ids_in_use_[id / 64] >> (id % 64)) & 1U; };
    std::uint16_t id = util::secure_random_u16();
    for (int i = 0; i < 64 && in_use(id); ++i)
        id = util::secure_random_u16();
    // With at most max_pending of 65536 IDs taken this scan is practically never reached.
    for (std::uint32_t i = 0; i < 65536 && in_use(id); ++i)
        id = static_cast<std::uint16_t>(id + 1);
    ids_in_use_[id / 64] |= std::uint64_t{1} << (id % 64);
    ++pending_;
    return id;
}

void cares_channel::send(std::span<const std::uint8_t> query, ares_callback callback, void* arg) {
    ++sent_;
    ares_send(channel_, query.data(), static_cast<int>(query.size()), callback, arg);
}

void cares_channel::finished(std::uint16_t id) {
    ids_in_use_[id / 64] &= ~(std::uint64_t{1} << (id % 64));
    --pending_;
}

void cares_channel::process_timeouts() {
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

bool cares_channel::lost_edns() const {
    ares_options options{};
    int mask = 0;
    if (ares_save_options(channel_, &options, &mask) != ARES_SUCCESS) return false;
    const bool lost = (options.flags & ARES_FLAG_EDNS) == 0;
    ares_destroy_options(&options);
    return lost;
}

void cares_channel::on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
    try {
        static_cast<cares_channel*>(data)->update_watch(fd, readable != 0, writable != 0);
    } catch (const std::exception& e) {
        spdlog::debug("upstream: cannot watch a c-ares socket: {}", e.what());
    } catch (...) {
    }
}

void cares_channel::update_watch(ares_socket_t fd, bool readable, bool writable) {
    auto it =
        std::find_if(watches_.begin(), watches_.end(), [fd](const auto& w) { return w->fd == fd; });
    if (!readable && !writable) {
        // c-ares closes the fd right after this: stop Asio watching it, without closing it.
        if (it != watches_.end()) {
            stop_watch(**it);
            watches_.erase(it);
        }
        return;
    }
    if (it == watches_.end()) {
        auto w = std::make_unique<watch>(io_);
        boost::system::error_code ec;
        w->descriptor.assign(fd, ec);
        if (ec) {
            // The query on this socket will time out through the tick instead.
            spdlog::debug("upstream: cannot register c-ares socket {}: {}", fd, ec.message());
            return;
        }
        w->fd = fd;
        w->generation = next_generation_++;
        watches_.push_back(std::move(w));
        it = std::prev(watches_.end());
    }
    (*it)->want_read = readable;
    (*it)->want_write = writable;
    arm(**it);
}

void cares_channel::arm(watch& w) {
    if (w.want_read && !w.read_armed) arm_one(w, direction::read);
    if (w.want_write && !w.write_armed) arm_one(w, direction::write);
}

void cares_channel::arm_one(watch& w, direction dir) {
    (dir == direction::read ? w.read_armed : w.write_armed) = true;
    auto handler = [weak = weak_from_this(), fd = w.fd, generation = w.generation,
                    dir](boost::system::error_code ec) {
        if (auto self = weak.lock()) self->on_ready(fd, generation, dir, ec);
    };
    // Asio 1.81's epoll reactor is edge-triggered, but each async_wait on an idle descriptor
    // re-arms it with EPOLL_CTL_MOD, which reports readiness that already exists. So the TCP
    // data c-ares left unread and sockets that are already writable are not missed.
    w.descriptor.async_wait(dir == direction::read
                                ? boost::asio::posix::stream_descriptor::wait_read
                                : boost::asio::posix::stream_descriptor::wait_write,
                            std::move(handler));
}

void cares_channel::on_ready(ares_socket_t fd, std::uint64_t generation, direction dir,
                             boost::system::error_code ec) {
    try {
        watch* w = find_watch(fd, generation);
        if (w == nullptr) return;  // c-ares closed that socket (the fd may be a new one now)
        (dir == direction::read ? w->read_armed : w->write_armed) = false;
        if (ec == boost::asio::error::operation_aborted) {
            arm(*w);
            return;
        }
        const bool wanted = dir == direction::read ? w->want_read : w->want_write;
        if (wanted) {
            ares_process_fd(channel_, dir == direction::read ? fd : ARES_SOCKET_BAD,
                            dir == direction::write ? fd : ARES_SOCKET_BAD);
        }
        if (ec) {
            // Do not spin on a descriptor error: c-ares has seen the socket; the query times
            // out through the tick if c-ares did not close it.
            spdlog::debug("upstream: wait on c-ares socket {} failed: {}", fd, ec.message());
            return;
        }
        // c-ares may have closed the socket, or opened a new one with the same fd number.
        if (watch* again = find_watch(fd, generation)) arm(*again);
    } catch (const std::exception& e) {
        spdlog::debug("upstream: c-ares socket handler failed: {}", e.what());
    } catch (...) {
    }
}

cares_channel::watch* cares_channel::find_watch(ares_socket_t fd, std::uint64_t generation) {
    for (auto& w : watches_) {
        if (w->fd == fd && w->generation == generation) return w.get();
    }
    return nullptr;
}

void cares_channel::stop_watch(watch& w) {
    boost::system::error_code ec;
    w.descriptor.cancel(ec);
    w.descriptor.release();
}

}  // namespace residns::upstream::detail
