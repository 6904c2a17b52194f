// The scripted DNS server of the upstream tests (see the header).
#include "scripted_server.hpp"

#include <array>
#include <random>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "residns/util/endian.hpp"

namespace residns::upstream::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

std::size_t question_end(const std::vector<std::uint8_t>& q) {
    std::size_t i = 12;
    while (i < q.size() && q[i] != 0)
        i += 1 + q[i];
    return i + 1 + 4;
}

std::vector<std::uint8_t> build_answer(const std::vector<std::uint8_t>& q, behaviour mode,
                                       bool over_tcp, std::size_t answer_size) {
    std::vector<std::uint8_t> a;
    if (q.size() < 12) return a;
    const std::size_t qend = question_end(q);
    if (qend > q.size()) return a;
    received_query rq{q, over_tcp, 0};
    const bool query_has_opt = rq.has_opt();

    if (mode == behaviour::garbage) {
        std::mt19937 rng(std::random_device{}());
        a.resize(40);
        for (auto& b : a)
            b = static_cast<std::uint8_t>(rng());
        a[0] = static_cast<std::uint8_t>(q[0] ^ 0xFF);
        return a;
    }

    std::uint8_t rcode = 0;
    bool with_opt = query_has_opt;
    bool truncated = false;
    switch (mode) {
        case behaviour::servfail:
            rcode = 2;
            break;
        case behaviour::refused:
            rcode = 5;
            break;
        case behaviour::notimp:
            rcode = 4;
            break;
        case behaviour::formerr_without_opt:
            rcode = 1;
            with_opt = false;
            break;
        case behaviour::formerr_unless_plain:
            if (query_has_opt) {
                rcode = 1;
                with_opt = false;
            }
            break;
        case behaviour::truncate_udp:
            truncated = !over_tcp;
            break;
        default:
            break;
    }

    a.assign(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(qend));
    if (mode == behaviour::wrong_id) {
        util::store_u16(a.data(), static_cast<std::uint16_t>(util::load_u16(a.data()) ^ 0x5A5A));
    }
    if (mode == behaviour::lower_case) {
        for (std::size_t i = 12; i < qend - 4; ++i) {
            if (a[i] >= 'A' && a[i] <= 'Z') a[i] = static_cast<std::uint8_t>(a[i] | 0x20);
        }
    }
    if (mode == behaviour::wrong_case) {
        for (std::size_t i = 12; i < qend - 4; ++i) {
            const std::uint8_t c = a[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                a[i] = static_cast<std::uint8_t>(c ^ 0x20);
                break;
            }
        }
    }
    a[2] = static_cast<std::uint8_t>(0x80 | (q[2] & 0x01) | (truncated ? 0x02 : 0));
    a[3] = static_cast<std::uint8_t>(0x80 | rcode);
    util::store_u16(a.data() + 6, 0);
    util::store_u16(a.data() + 8, 0);
    util::store_u16(a.data() + 10, 0);

    std::uint16_t ancount = 0;
    if (rcode == 0 && !truncated) {
        // One A record 192.0.2.1, owner compressed to the question name.
        const std::array<std::uint8_t, 16> rr_a = {0xC0, 0x0C, 0, 1, 0,   1, 0, 0,
                                                   0x0E, 0x10, 0, 4, 192, 0, 2, 1};
        a.insert(a.end(), rr_a.begin(), rr_a.end());
        ++ancount;
        const std::size_t reserve = with_opt ? 11 : 0;
        while (answer_size > 0 && a.size() + reserve + 12 + 1 + 100 <= answer_size) {
            const std::array<std::uint8_t, 11> rr_txt = {0xC0, 0x0C, 0,    16,   0, 1,
                                                         0,    0,    0x0E, 0x10, 0};
            a.insert(a.end(), rr_txt.begin(), rr_txt.end());
            a.push_back(101);  // RDLENGTH low byte: 1 length octet + 100 characters
            a.push_back(100);
            a.insert(a.end(), 100, 'x');
            ++ancount;
        }
    }
    util::store_u16(a.data() + 6, ancount);
    if (with_opt) {
        const std::array<std::uint8_t, 11> opt = {
            0, 0, 41, 0x04, 0xD0, 0, 0, static_cast<std::uint8_t>(rq.opt_dnssec_ok() ? 0x80 : 0),
            0, 0, 0};
        a.insert(a.end(), opt.begin(), opt.end());
        util::store_u16(a.data() + 10, 1);
    }
    return a;
}

}  // namespace

std::uint16_t received_query::id() const {
    return util::load_u16(bytes.data());
}
std::uint16_t received_query::flags() const {
    return util::load_u16(bytes.data() + 2);
}
std::uint16_t received_query::arcount() const {
    return util::load_u16(bytes.data() + 10);
}

std::vector<std::uint8_t> received_query::qname() const {
    const std::size_t end = question_end(bytes) - 4;
    return {bytes.begin() + 12, bytes.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::string received_query::qname_text() const {
    std::string text;
    const auto name = qname();
    for (std::size_t i = 0; i < name.size() && name[i] != 0; i += 1 + name[i]) {
        text.append(name.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                    name.begin() + static_cast<std::ptrdiff_t>(i) + 1 + name[i]);
        text.push_back('.');
    }
    return text.empty() ? "." : text;
}

std::uint16_t received_query::qtype() const {
    return util::load_u16(bytes.data() + question_end(bytes) - 4);
}

bool received_query::has_opt() const {
    const std::size_t end = question_end(bytes);
    return arcount() >= 1 && bytes.size() >= end + 11 && bytes[end] == 0 &&
           util::load_u16(bytes.data() + end + 1) == 41;
}

std::uint16_t received_query::opt_udp_size() const {
    return has_opt() ? util::load_u16(bytes.data() + question_end(bytes) + 3) : 0;
}

bool received_query::opt_dnssec_ok() const {
    return has_opt() && (bytes[question_end(bytes) + 7] & 0x80) != 0;
}

struct scripted_server::state : std::enable_shared_from_this<state> {
    explicit state(asio::io_context& context)
        : io(context), udp_socket(context), acceptor(context) {}

    asio::io_context& io;
    udp::socket udp_socket;
    tcp::acceptor acceptor;
    std::array<std::uint8_t, 65536> udp_buffer{};
    udp::endpoint udp_sender;
    behaviour mode = behaviour::answer;
    std::chrono::milliseconds delay{0};
    std::size_t answer_size = 0;
    std::vector<received_query> queries;
    bool stopped = false;

    void open() {
        // Same port number for UDP and TCP; retry if the TCP side of that port is taken.
        for (int attempt = 0; attempt < 50; ++attempt) {
            udp_socket.open(udp::v4());
            udp_socket.bind({asio::ip::make_address_v4("127.0.0.1"), 0});
            const auto port = udp_socket.local_endpoint().port();
            boost::system::error_code ec;
            acceptor.open(tcp::v4());
            acceptor.set_option(tcp::acceptor::reuse_address(true));
            acceptor.bind({asio::ip::make_address_v4("127.0.0.1"), port}, ec);
            if (!ec) {
                acceptor.listen();
                return;
            }
            acceptor.close();
            udp_socket.close();
        }
        throw std::runtime_error("scripted_server: no free port");
    }

    void receive_udp() {
        udp_socket.async_receive_from(
            asio::buffer(udp_buffer), udp_sender,
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (ec || self->stopped) return;
                std::vector<std::uint8_t> q(self->udp_buffer.begin(),
                                            self->udp_buffer.begin() + static_cast<long>(n));
                self->queries.push_back({q, false, self->udp_sender.port()});
                auto reply = build_answer(q, self->mode, false, self->answer_size);
                if (self->mode != behaviour::silence && !reply.empty()) {
                    self->later([self, reply, to = self->udp_sender] {
                        boost::system::error_code ignored;
                        self->udp_socket.send_to(asio::buffer(reply), to, 0, ignored);
                    });
                }
                self->receive_udp();
            });
    }

    void accept_tcp() {
        acceptor.async_accept(
            [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                if (ec || self->stopped) return;
                self->read_tcp(std::make_shared<tcp::socket>(std::move(socket)));
                self->accept_tcp();
            });
    }

    void read_tcp(std::shared_ptr<tcp::socket> socket) {
        auto length = std::make_shared<std::array<std::uint8_t, 2>>();
        asio::async_read(
            *socket, asio::buffer(*length),
            [self = shared_from_this(), socket, length](boost::system::error_code ec, std::size_t) {
                if (ec || self->stopped) return;
                auto body =
                    std::make_shared<std::vector<std::uint8_t>>(util::load_u16(length->data()));
                asio::async_read(
                    *socket, asio::buffer(*body),
                    [self, socket, body](boost::system::error_code ec2, std::size_t) {
                        if (ec2 || self->stopped) return;
                        self->queries.push_back({*body, true, socket->remote_endpoint(ec2).port()});
                        auto reply = build_answer(*body, self->mode, true, 2500);
                        if (self->mode != behaviour::silence && !reply.empty()) {
                            auto framed =
                                std::make_shared<std::vector<std::uint8_t>>(2 + reply.size());
                            util::store_u16(framed->data(),
                                            static_cast<std::uint16_t>(reply.size()));
                            std::copy(reply.begin(), reply.end(), framed->begin() + 2);
                            self->later([socket, framed] {
                                boost::system::error_code ignored;
                                asio::write(*socket, asio::buffer(*framed), ignored);
                            });
                        }
                        self->read_tcp(socket);
                    });
            });
    }

    template <typename F>
    void later(F f) {
        if (delay.count() == 0) {
            f();
            return;
        }
        auto timer = std::make_shared<asio::steady_timer>(io, delay);
        timer->async_wait([timer, self = shared_from_this(), f](boost::system::error_code ec) {
            if (!ec && !self->stopped) f();
        });
    }
};

scripted_server::scripted_server(asio::io_context& io) : state_(std::make_shared<state>(io)) {
    state_->open();
    state_->receive_udp();
    state_->accept_tcp();
}

scripted_server::~scripted_server() {
    state_->stopped = true;
    boost::system::error_code ignored;
    state_->udp_socket.close(ignored);
    state_->acceptor.close(ignored);
}

endpoint scripted_server::address() const {
    return endpoint{"127.0.0.1", port()};
}
std::uint16_t scripted_server::port() const {
    return state_->udp_socket.local_endpoint().port();
}
void scripted_server::set_behaviour(behaviour b) {
    state_->mode = b;
}
void scripted_server::set_delay(std::chrono::milliseconds delay) {
    state_->delay = delay;
}
void scripted_server::set_answer_size(std::size_t bytes) {
    state_->answer_size = bytes;
}
const std::vector<received_query>& scripted_server::queries() const {
    return state_->queries;
}

std::size_t scripted_server::tcp_query_count() const {
    std::size_t n = 0;
    for (const auto& q : state_->queries)
        n += q.tcp ? 1 : 0;
    return n;
}

std::vector<std::uint8_t> wire_name(const std::string& text) {
    std::vector<std::uint8_t> out;
    if (text == "." || text.empty()) return {0};
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t dot = text.find('.', start);
        if (dot == std::string::npos) dot = text.size();
        out.push_back(static_cast<std::uint8_t>(dot - start));
        out.insert(out.end(), text.begin() + static_cast<std::ptrdiff_t>(start),
                   text.begin() + static_cast<std::ptrdiff_t>(dot));
        start = dot + 1;
    }
    out.push_back(0);
    return out;
}

}  // namespace residns::upstream::testing
