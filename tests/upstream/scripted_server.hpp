// A scripted DNS server for the upstream tests: UDP and TCP on 127.0.0.1 with a port the kernel
// picks, behaving as the test says (answer, delay, SERVFAIL, silence, wrong case, TC=1, ...), and
// recording every query it gets. It runs on the test's io_context: single thread, no locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "residns/upstream/settings.hpp"

namespace residns::upstream::testing {

enum class behaviour {
    answer,  // NOERROR with one A record (and TXT padding up to answer_size)
    servfail,
    refused,
    notimp,
    formerr_without_opt,   // FORMERR with the question and no OPT, to every query
    formerr_unless_plain,  // FORMERR without OPT to queries with OPT; answers queries without
    silence,               // reads and never answers
    wrong_case,            // answers with one letter of the qname in the other case
    lower_case,            // answers with the qname lower-cased (does not echo 0x20)
    wrong_id,              // answers with another ID
    truncate_udp,          // TC=1 and no records over UDP; the full answer over TCP
    garbage,               // random bytes
};

struct received_query {
    std::vector<std::uint8_t> bytes;
    bool tcp = false;
    std::uint16_t source_port = 0;

    std::uint16_t id() const;
    std::uint16_t flags() const;
    std::uint16_t arcount() const;
    // The question name in wire form as sent (case kept), and as text ("wWw.example.").
    std::vector<std::uint8_t> qname() const;
    std::string qname_text() const;
    std::uint16_t qtype() const;
    // The OPT record right after the question, if any.
    bool has_opt() const;
    std::uint16_t opt_udp_size() const;
    bool opt_dnssec_ok() const;
};

class scripted_server {
public:
    explicit scripted_server(boost::asio::io_context& io);
    ~scripted_server();

    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    endpoint address() const;
    std::uint16_t port() const;

    void set_behaviour(behaviour b);
    void set_delay(std::chrono::milliseconds delay);
    // Pads NOERROR answers with TXT records up to about this many bytes (0: no padding).
    void set_answer_size(std::size_t bytes);

    const std::vector<received_query>& queries() const;
    std::size_t tcp_query_count() const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

// "www.example.com." (or without the final dot) to wire form; for test names only.
std::vector<std::uint8_t> wire_name(const std::string& text);

}  // namespace residns::upstream::testing
