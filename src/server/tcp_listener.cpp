// TCP acceptor and sessions with pipelining and out-of-order answers.
#include "residns/server/tcp_listener.hpp"

#include <unistd.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "residns/policy/policy_answer.hpp"
#include "residns/util/endian.hpp"

namespace residns::server {

tcp_listener::tcp_listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& local,
                           const tcp_settings& config, query_handler& handler,
                           tcp_connection_table& table, transport_counters& counters,
                           const listener_policy& policy)
    : acceptor_(io),
      settings_(config),
      handler_(handler),
      table_(table),
      counters_(counters),
      policy_(policy) {
    acceptor_.open(local.protocol());
    int one = 1;
    ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    if (local.address().is_v6()) acceptor_.set_option(boost::asio::ip::v6_only(true));
    acceptor_.bind(local);
    acceptor_.listen(boost::asio::socket_base::max_listen_connections);
    local_ = acceptor_.local_endpoint();
}

tcp_listener::tcp_listener(boost::asio::io_context& io, int fd,
                           const boost::asio::ip::tcp::endpoint& local, const tcp_settings& config,
                           query_handler& handler, tcp_connection_table& table,
                           transport_counters& counters, const listener_policy& policy)
    : acceptor_(io),
      settings_(config),
      handler_(handler),
      table_(table),
      counters_(counters),
      policy_(policy),
      local_(local) {
    try {
        acceptor_.assign(local.protocol(), fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
}

void tcp_listener::start() {
    accept_next();
}

void tcp_listener::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& weak : sessions_) {
        if (auto session = weak.lock()) session->finish();
    }
    sessions_.clear();
}

void tcp_listener::accept_next() {
    acceptor_.async_accept([weak = weak_from_this()](const boost::system::error_code& error,
                                                     boost::asio::ip::tcp::socket socket) {
        auto self = weak.lock();
        if (!self || self->stopped_) return;
        policy::acl_verdict verdict = policy::acl_verdict::drop;
        tcp_client_key client_key{};
        if (!error) {
            boost::system::error_code peer_error;
            const auto peer = socket.remote_endpoint(peer_error);
            if (!peer_error) {
                client_key = tcp_client_key_of(peer);
                if (const auto client =
                        policy::from_sockaddr(peer.data(), static_cast<socklen_t>(peer.size()))) {
                    verdict = self->policy_.acl.check(*client);
                }
            }
        }
        if (!error && verdict == policy::acl_verdict::drop) {
            self->counters_.dropped_acl.add();
            boost::system::error_code ignored;
            socket.close(ignored);
        } else if (!error) {
            const auto known = self->table_.per_client.find(client_key);
            if (self->table_.open >= self->settings_.max_connections ||
                (known != self->table_.per_client.end() &&
                 known->second >= self->settings_.max_connections_per_client)) {
                self->counters_.tcp_rejected.add();
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                self->counters_.tcp_accepted.add();
                auto session =
                    std::make_shared<tcp_session>(std::move(socket), self->settings_,
                                                  self->handler_, self->table_, self->counters_);
                session->track_client(client_key);
                if (verdict == policy::acl_verdict::refuse) {
                    session->refuse_all(self->policy_.edns_udp_size);
                }
                session->start();
                std::erase_if(self->sessions_, [](const auto& w) { return w.expired(); });
                self->sessions_.push_back(session);
            }
        }
        if (error != boost::asio::error::operation_aborted) self->accept_next();
    });
}

tcp_session::tcp_session(boost::asio::ip::tcp::socket socket, const tcp_settings& config,
                         query_handler& handler, tcp_connection_table& table,
                         transport_counters& counters)
    : socket_(std::move(socket)),
      idle_timer_(socket_.get_executor()),
      settings_(config),
      handler_(handler),
      table_(table),
      counters_(counters),
      answer_(65535) {
    ++table_.open;
    boost::system::error_code ignored;
    socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
}

tcp_session::~tcp_session() {
    --table_.open;
    if (!tracked_) return;
    const auto it = table_.per_client.find(client_);
    if (it != table_.per_client.end() && --it->second == 0) table_.per_client.erase(it);
}

void tcp_session::track_client(const tcp_client_key& client) {
    if (tracked_) return;
    tracked_ = true;
    client_ = client;
    ++table_.per_client[client];
}

tcp_client_key tcp_client_key_of(const boost::asio::ip::tcp::endpoint& peer) {
    const auto a = peer.address();
    return a.is_v4()
               ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes()
               : a.to_v6().to_bytes();
}

void tcp_session::start() {
    arm_idle_timer();
    read_length();
}

void tcp_session::finish() {
    read_closed_ = true;
    boost::system::error_code ignored;
    if (reading_) socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_receive, ignored);
    close_if_done();
}

void tcp_session::arm_idle_timer() {
    idle_timer_.expires_after(settings_.idle_timeout);
    idle_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (!self || error) return;
        // Queries in flight keep a connection open (the upstream budget bounds them), and so
        // does a write that progressed since the timer was armed; a client that has not taken
        // an answer for a whole idle_timeout is cut off like an idle one.
        if (self->in_flight_ > 0 || (self->writing_ && self->wrote_)) {
            self->wrote_ = false;
            self->arm_idle_timer();
            return;
        }
        self->counters_.tcp_idle_closed.add();
        self->close();
    });
}

void tcp_session::read_length() {
    if (read_closed_ || closed_) return;
    // Queries in flight and answers not yet written share the per-connection bound, so a client
    // that sends without reading cannot queue answers without limit; resumed when one completes
    // or is written.
    if (in_flight_ + write_queue_.size() >= settings_.max_in_flight_per_connection) return;
    reading_ = true;
    boost::asio::async_read(
        socket_, boost::asio::buffer(length_bytes_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            self->reading_ = false;
            if (error) {
                self->read_closed_ = true;
                self->close_if_done();
                return;
            }
            std::size_t length = util::load_u16(self->length_bytes_.data());
            if (length < 12) {
                self->counters_.tcp_bad_length.add();
                self->read_closed_ = true;
                self->close_if_done();
                return;
            }
            self->read_body(length);
        });
}

void tcp_session::read_body(std::size_t length) {
    query_.resize(length);
    reading_ = true;
    boost::asio::async_read(
        socket_, boost::asio::buffer(query_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            self->reading_ = false;
            if (error) {
                self->read_closed_ = true;
                self->close_if_done();
                return;
            }
            self->on_query();
        });
}

void tcp_session::on_query() {
    arm_idle_timer();
    std::size_t length = 0;
    if (refuse_all_) {
        length = policy::write_policy_answer(query_, wire::rcode::refused, false, edns_udp_size_,
                                             answer_);
        if (length == 0) {
            // Garbage from a client that is not allowed: no answer, no more reading.
            read_closed_ = true;
            close_if_done();
            return;
        }
        counters_.refused_acl.add();
        queue_answer(std::span<const std::uint8_t>(answer_.data(), length));
        read_length();
        return;
    }
    pending_query pending;
    const auto arrived = handler_.logging_queries() ? std::chrono::steady_clock::now()
                                                    : std::chrono::steady_clock::time_point{};
    handle_result result = handler_.handle(query_, transport::tcp, answer_, length, pending);
    if (result == handle_result::answer) {
        queue_answer(std::span<const std::uint8_t>(answer_.data(), length));
        log_answer(std::span<const std::uint8_t>(answer_.data(), length), arrived);
    } else if (result == handle_result::forward) {
        ++in_flight_;
        // The forwarder always completes, so holding the session here is bounded in time; it lets
        // a client that half-closed after sending still receive its answers.
        handler_.forward(
            pending, [self = shared_from_this(), arrived](std::span<const std::uint8_t> answer) {
                --self->in_flight_;
                if (!self->closed_) self->queue_answer(answer);
                self->log_answer(answer, arrived);
                // A session paused at its in-flight bound reads again.
                if (!self->reading_ && !self->read_closed_) self->read_length();
                self->close_if_done();
            });
    }
    read_length();
}

void tcp_session::log_answer(std::span<const std::uint8_t> answer,
                             std::chrono::steady_clock::time_point arrived) {
    if (!handler_.logging_queries()) return;
    boost::system::error_code error;
    const auto peer = socket_.remote_endpoint(error);
    if (error) return;
    handler_.log_answer(peer.data(), static_cast<socklen_t>(peer.size()), transport::tcp, answer,
                        arrived);
}

void tcp_session::queue_answer(std::span<const std::uint8_t> answer) {
    std::vector<std::uint8_t> framed(answer.size() + 2);
    util::store_u16(framed.data(), static_cast<std::uint16_t>(answer.size()));
    std::copy(answer.begin(), answer.end(), framed.begin() + 2);
    write_queue_.push_back(std::move(framed));
    if (!writing_) write_next();
}

void tcp_session::write_next() {
    if (write_queue_.empty() || closed_) {
        writing_ = false;
        close_if_done();
        return;
    }
    writing_ = true;
    boost::asio::async_write(
        socket_, boost::asio::buffer(write_queue_.front()),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            self->write_queue_.pop_front();
            if (error) {
                self->writing_ = false;
                self->close();
                return;
            }
            self->wrote_ = true;
            // A session paused at its bound by unwritten answers reads again.
            if (!self->reading_ && !self->read_closed_) self->read_length();
            self->write_next();
        });
}

void tcp_session::close_if_done() {
    if (read_closed_ && in_flight_ == 0 && !writing_ && write_queue_.empty()) close();
}

void tcp_session::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    idle_timer_.cancel();
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

}  // namespace residns::server
