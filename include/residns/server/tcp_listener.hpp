// DNS over TCP (RFC 7766) for one worker: an acceptor (SO_REUSEPORT) and its sessions. A session
// reads 2-byte-length-framed queries, answers each as soon as it is ready (out of order when the
// upstream is slower for some), bounds the queries in flight, and closes after an idle timeout.
// The idle timer also bounds how long a started message may take to arrive (slow senders).
//
// The access list is checked once per connection, at accept: with action drop a client that is
// not allowed is disconnected at once; with refuse its session answers every query REFUSED
// without the query handler (and closes on garbage). TCP is not rate limited: the handshake
// proves the source address.
//
// Threading: constructed on the controlling thread, then used only on its worker's thread.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "residns/server/counters.hpp"
#include "residns/server/listener_policy.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/server/settings.hpp"

namespace residns::server {

// Connections of one worker, shared by its acceptors for the connection limit.
// A client's address as 16 bytes (IPv4 as ::ffff:a.b.c.d), for counting its connections.
using tcp_client_key = std::array<std::uint8_t, 16>;
struct tcp_client_key_hash {
    std::size_t operator()(const tcp_client_key& k) const {
        return std::hash<std::string_view>{}({reinterpret_cast<const char*>(k.data()), k.size()});
    }
};
tcp_client_key tcp_client_key_of(const boost::asio::ip::tcp::endpoint& peer);

struct tcp_connection_table {
    std::uint32_t open = 0;
    // Open connections per client address; a client without any has no entry.
    std::unordered_map<tcp_client_key, std::uint32_t, tcp_client_key_hash> per_client;
};

class tcp_session;

class tcp_listener : public std::enable_shared_from_this<tcp_listener> {
public:
    // Opens, binds and listens; throws boost::system::system_error on failure. `policy` belongs
    // to the worker and outlives the listener and its sessions.
    tcp_listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& local,
                 const tcp_settings& config, query_handler& handler, tcp_connection_table& table,
                 transport_counters& counters, const listener_policy& policy);
    // Accepts on `fd`, a listening TCP socket it now owns (socket activation); throws on failure.
    tcp_listener(boost::asio::io_context& io, int fd, const boost::asio::ip::tcp::endpoint& local,
                 const tcp_settings& config, query_handler& handler, tcp_connection_table& table,
                 transport_counters& counters, const listener_policy& policy);

    void start();
    // Stops accepting; open sessions finish what they have in flight and close.
    void stop();
    // Where it is bound (valid after stop()).
    boost::asio::ip::tcp::endpoint local_endpoint() const { return local_; }

private:
    void accept_next();

    boost::asio::ip::tcp::acceptor acceptor_;
    tcp_settings settings_;
    query_handler& handler_;
    tcp_connection_table& table_;
    transport_counters& counters_;
    const listener_policy& policy_;
    boost::asio::ip::tcp::endpoint local_;
    std::vector<std::weak_ptr<tcp_session>> sessions_;
    bool stopped_ = false;
};

class tcp_session : public std::enable_shared_from_this<tcp_session> {
public:
    tcp_session(boost::asio::ip::tcp::socket socket, const tcp_settings& config,
                query_handler& handler, tcp_connection_table& table, transport_counters& counters);
    // A session for a client the access list refuses: every query is answered REFUSED.
    void refuse_all(std::uint16_t edns_udp_size) {
        refuse_all_ = true;
        edns_udp_size_ = edns_udp_size;
    }
    ~tcp_session();
    // Counts this connection against `client` in the table until the session ends.
    void track_client(const tcp_client_key& client);

    void start();
    // Reads no more queries; closes once the answers in flight are written.
    void finish();

private:
    void read_length();
    void read_body(std::size_t length);
    void on_query();
    void queue_answer(std::span<const std::uint8_t> answer);
    // The query log's record of an answer (when the log is on).
    void log_answer(std::span<const std::uint8_t> answer,
                    std::chrono::steady_clock::time_point arrived);
    void write_next();
    void arm_idle_timer();
    void close_if_done();
    void close();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer idle_timer_;
    tcp_settings settings_;
    query_handler& handler_;
    tcp_connection_table& table_;
    transport_counters& counters_;

    std::array<std::uint8_t, 2> length_bytes_{};
    std::vector<std::uint8_t> query_;
    std::vector<std::uint8_t> answer_;
    std::deque<std::vector<std::uint8_t>> write_queue_;
    bool writing_ = false;
    bool wrote_ = false;        // a write completed since the idle timer was last armed
    bool reading_ = false;      // a read is outstanding
    bool read_closed_ = false;  // the peer closed, an error, or finish()
    bool closed_ = false;
    std::uint32_t in_flight_ = 0;
    bool refuse_all_ = false;
    bool tracked_ = false;
    tcp_client_key client_{};
    std::uint16_t edns_udp_size_ = 1232;
};

}  // namespace residns::server
