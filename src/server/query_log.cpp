// The query log's ring and the text of its lines (query_log.hpp).
#include "residns/server/query_log.hpp"

#include <bit>
#include <ctime>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include "residns/wire/header.hpp"
#include "residns/wire/name.hpp"

namespace residns::server {

const char* to_text(answer_source s) {
    switch (s) {
        case answer_source::local:
            return "local";
        case answer_source::cache:
            return "cache";
        case answer_source::stale:
            return "stale";
        case answer_source::upstream:
            return "upstream";
        case answer_source::policy:
            return "policy";
        case answer_source::error:
            return "error";
    }
    return "?";
}

bool fill_from_answer(query_log_record& r, std::span<const std::uint8_t> answer) {
    r.qname_length = 0;
    if (answer.size() < wire::header::size) return false;
    r.rcode = answer[3] & 0x0F;
    if (answer[4] == 0 && answer[5] == 0) return false;  // no question
    // The question's name as written by us: uncompressed labels, bounded.
    std::size_t at = wire::header::size;
    while (at < answer.size() && answer[at] != 0) {
        if (answer[at] > 63) return false;
        at += 1 + answer[at];
    }
    const std::size_t length = at + 1 - wire::header::size;
    if (at + 5 > answer.size() || length > wire::max_name_length) return false;
    std::copy_n(answer.begin() + wire::header::size, length, r.qname.begin());
    r.qname_length = static_cast<std::uint8_t>(length);
    r.qtype = static_cast<std::uint16_t>((answer[at + 1] << 8) | answer[at + 2]);
    return true;
}

std::string format_query_log_line(const query_log_record& r) {
    const std::time_t seconds = static_cast<std::time_t>(r.unix_us / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::string client;
    if (r.v6) {
        boost::asio::ip::address_v6::bytes_type b;
        std::copy(r.client.begin(), r.client.end(), b.begin());
        client = boost::asio::ip::address_v6(b).to_string();
    } else {
        client = boost::asio::ip::address_v4({r.client[0], r.client[1], r.client[2], r.client[3]})
                     .to_string();
    }
    std::string qname = "-";
    std::string qtype = "-";
    if (r.qname_length != 0) {
        if (auto n = wire::name::from_wire({r.qname.data(), r.qname_length})) qname = n->to_text();
        qtype = wire::type_to_text(r.qtype);
    }
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z {}#{} {} {} {} {} {} {:.3f}ms",
                       utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                       utc.tm_sec, r.unix_us % 1000000, client, r.client_port,
                       r.tcp ? "tcp" : "udp", qname, qtype,
                       wire::rcode_to_text(static_cast<wire::rcode>(r.rcode)), to_text(r.source),
                       r.latency_us / 1000.0);
}

query_log_ring::query_log_ring(std::size_t capacity)
    : slots_(new query_log_record[std::bit_ceil(std::max<std::size_t>(capacity, 2))]),
      mask_(std::bit_ceil(std::max<std::size_t>(capacity, 2)) - 1) {}

bool query_log_ring::push(const query_log_record& r) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) > mask_) {
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
    }
    slots_[head & mask_] = r;
    head_.store(head + 1, std::memory_order_release);
    return true;
}

const query_log_record* query_log_ring::front() const {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return nullptr;
    return &slots_[tail & mask_];
}

void query_log_ring::pop() {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

}  // namespace residns::server
