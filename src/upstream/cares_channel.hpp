// One c-ares channel that talks to one upstream, with its sockets watched by the worker's Asio
// loop. Private to the upstream module (ares.h stays out of public headers).
//
// Threading: used only on its worker's thread. Lifetime: held by shared_ptr so that the Asio
// handlers of its sockets hold a weak_ptr and drop themselves once it is gone. Never destroy it
// from inside a c-ares callback (post that): the destructor calls ares_destroy, which runs every
// pending query's callback with ARES_EDESTRUCTION, so whatever they touch must still be alive.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>  // before Asio (see cares_forwarder.hpp)
#include <vector>

#include <ares.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace residns::upstream::detail {

class batched_udp;

struct channel_config {
    ares_addr_port_node server{};  // one upstream: family, address, UDP and TCP port
    std::chrono::milliseconds try_timeout{1000};
    std::uint16_t edns_udp_size = 1232;
    int receive_buffer_bytes = 1 << 20;
    // Socket functions that batch UDP sends and receives; null: c-ares' own sockets.
    batched_udp* batching = nullptr;
};

class cares_channel : public std::enable_shared_from_this<cares_channel> {
public:
    using clock = std::chrono::steady_clock;
    // Upper bound of queries pending on one channel, far below the 65536 IDs.
    static constexpr std::size_t max_pending = 16384;

    // Throws std::runtime_error when c-ares cannot make the channel.
    static std::shared_ptr<cares_channel> create(boost::asio::io_context& io,
                                                 const channel_config& config);
    ~cares_channel();

    cares_channel(const cares_channel&) = delete;
    cares_channel& operator=(const cares_channel&) = delete;

    // A random ID that no query pending on this channel uses; taken until finished(id).
    std::uint16_t reserve_id();
    // Hands a query to c-ares. `callback` may run before this returns (c-ares error paths).
    void send(std::span<const std::uint8_t> query, ares_callback callback, void* arg);
    // Every query's callback (including ARES_EDESTRUCTION) reports here to free its ID.
    void finished(std::uint16_t id);
    // Lets c-ares expire timed-out queries; called from a coarse tick while queries are pending.
    void process_timeouts();
    // True once c-ares has dropped ARES_FLAG_EDNS (after a FORMERR without OPT it retries
    // without our OPT and keeps EDNS off for the channel). Costs an ares_save_options.
    bool lost_edns() const;

    std::size_t pending() const { return pending_; }
    std::uint64_t sent() const { return sent_; }
    clock::time_point created() const { return created_; }
    bool retired = false;

private:
    struct passkey {};

public:
    cares_channel(passkey, boost::asio::io_context& io);

private:
    enum class direction : std::uint8_t { read, write };

    // One socket c-ares asked us to watch. The descriptor never owns the fd: c-ares closes it.
    struct watch {
        explicit watch(boost::asio::io_context& io) : descriptor(io) {}
        boost::asio::posix::stream_descriptor descriptor;
        ares_socket_t fd = ARES_SOCKET_BAD;
        std::uint64_t generation = 0;
        bool want_read = false;
        bool want_write = false;
        bool read_armed = false;
        bool write_armed = false;
    };

    static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable);
    void update_watch(ares_socket_t fd, bool readable, bool writable);
    void arm(watch& w);
    void arm_one(watch& w, direction dir);
    void on_ready(ares_socket_t fd, std::uint64_t generation, direction dir,
                  boost::system::error_code ec);
    watch* find_watch(ares_socket_t fd, std::uint64_t generation);
    static void stop_watch(watch& w);

    boost::asio::io_context& io_;
    ares_channel channel_ = nullptr;
    std::vector<std::unique_ptr<watch>> watches_;  // one UDP and maybe one TCP socket
    std::uint64_t next_generation_ = 1;
    std::vector<std::uint64_t> ids_in_use_;  // bitmap of 65536 IDs
    std::size_t pending_ = 0;
    std::uint64_t sent_ = 0;
    clock::time_point created_;
};

}  // namespace residns::upstream::detail
