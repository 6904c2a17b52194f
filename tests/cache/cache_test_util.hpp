// Helpers for the cache tests: upstream answers built with the message builder, client queries,
// and a lookup wrapper that returns the answer bytes with their index, all at a fake time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "residns/cache/answer_cache.hpp"
#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"
#include "residns/wire/response.hpp"

namespace residns::cache::test {

using wire::section;

inline time_point at(std::int64_t seconds) {
    return time_point{std::chrono::seconds{seconds}};
}

// prefix + number + suffix, without operator+ chains (GCC 12 warns falsely on those).
inline std::string numbered(std::string_view prefix, long long number, std::string_view suffix) {
    std::string out(prefix);
    out += std::to_string(number);
    out += suffix;
    return out;
}

inline wire::name dns_name(std::string_view text) {
    auto n = wire::name::from_text(text);
    EXPECT_TRUE(n.has_value()) << text;
    return n.value_or(wire::name{});
}

// A 64 KiB buffer per thread, reused: zero-filling a fresh one for every message built or
// looked up dominated the run time under ThreadSanitizer.
inline std::span<std::uint8_t> scratch() {
    thread_local std::vector<std::uint8_t> buffer(65535);
    return buffer;
}

// An upstream answer, built in section order when bytes() is called.
class upstream_answer {
public:
    upstream_answer(std::string_view qname, std::uint16_t qtype,
                    wire::rcode code = wire::rcode::noerror)
        : qname_(dns_name(qname)), qtype_(qtype) {
        flags_ = wire::header_flag::qr | wire::header_flag::rd | wire::header_flag::ra;
        flags_ = static_cast<std::uint16_t>(flags_ | static_cast<unsigned>(code));
    }

    upstream_answer& flags(std::uint16_t extra) {
        flags_ = static_cast<std::uint16_t>(flags_ | extra);
        return *this;
    }
    upstream_answer& a(section where, std::string_view owner, std::uint32_t ttl,
                       std::array<std::uint8_t, 4> address) {
        return add(where, owner, wire::rr_type::a, ttl,
                   [address](wire::message_builder& b) { b.put_bytes(address); });
    }
    upstream_answer& aaaa(section where, std::string_view owner, std::uint32_t ttl,
                          std::uint8_t last) {
        std::array<std::uint8_t, 16> address{0x20, 0x01, 0x0d, 0xb8};
        address[15] = last;
        return add(where, owner, wire::rr_type::aaaa, ttl,
                   [address](wire::message_builder& b) { b.put_bytes(address); });
    }
    upstream_answer& name_rr(section where, std::string_view owner, std::uint16_t type,
                             std::uint32_t ttl, std::string_view target) {
        wire::name t = dns_name(target);
        return add(where, owner, type, ttl,
                   [t](wire::message_builder& b) { b.put_name(t.wire(), true); });
    }
    upstream_answer& mx(section where, std::string_view owner, std::uint32_t ttl,
                        std::uint16_t preference, std::string_view exchange) {
        wire::name t = dns_name(exchange);
        return add(where, owner, wire::rr_type::mx, ttl, [t, preference](wire::message_builder& b) {
            b.put_u16(preference);
            b.put_name(t.wire(), true);
        });
    }
    upstream_answer& soa(section where, std::string_view owner, std::uint32_t ttl,
                         std::uint32_t minimum) {
        wire::name zone = dns_name(owner);
        return add(where, owner, wire::rr_type::soa, ttl,
                   [zone, minimum](wire::message_builder& b) {
                       auto mname = wire::name::from_text("ns1", zone).value_or(zone);
                       auto rname = wire::name::from_text("hostmaster", zone).value_or(zone);
                       b.put_name(mname.wire(), true);
                       b.put_name(rname.wire(), true);
                       b.put_u32(2024010101);
                       b.put_u32(7200);
                       b.put_u32(900);
                       b.put_u32(1209600);
                       b.put_u32(minimum);
                   });
    }
    upstream_answer& txt(section where, std::string_view owner, std::uint32_t ttl,
                         std::string_view text) {
        std::string t(text);
        return add(where, owner, wire::rr_type::txt, ttl, [t](wire::message_builder& b) {
            b.put_u8(static_cast<std::uint8_t>(t.size()));
            b.put_bytes({reinterpret_cast<const std::uint8_t*>(t.data()), t.size()});
        });
    }
    upstream_answer& opt(std::uint16_t udp_size = 1232, std::uint8_t extended_rcode = 0) {
        has_opt_ = true;
        opt_.udp_size = udp_size;
        opt_.extended_rcode = extended_rcode;
        return *this;
    }

    std::vector<std::uint8_t> bytes() const {
        std::span<std::uint8_t> out = scratch();
        wire::message_builder b(out);
        b.hdr().id = 0x4242;
        b.hdr().flags = flags_;
        EXPECT_TRUE(b.add_question(qname_.wire(), qtype_, wire::rr_class::in));
        for (section s : {section::answer, section::authority, section::additional}) {
            for (const auto& r : records_) {
                if (r.where != s) continue;
                EXPECT_TRUE(b.begin_record(s, r.owner.wire(), r.type, wire::rr_class::in, r.ttl));
                r.rdata(b);
                EXPECT_TRUE(b.end_record());
            }
        }
        if (has_opt_) {
            EXPECT_TRUE(b.add_opt(opt_));
        }
        return std::vector<std::uint8_t>(out.begin(), out.begin() + b.finish());
    }

private:
    struct rr {
        section where;
        wire::name owner;
        std::uint16_t type;
        std::uint32_t ttl;
        std::function<void(wire::message_builder&)> rdata;
    };
    upstream_answer& add(section where, std::string_view owner, std::uint16_t type,
                         std::uint32_t ttl, std::function<void(wire::message_builder&)> rdata) {
        records_.push_back({where, dns_name(owner), type, ttl, std::move(rdata)});
        return *this;
    }

    wire::name qname_;
    std::uint16_t qtype_;
    std::uint16_t flags_;
    std::vector<rr> records_;
    bool has_opt_ = false;
    wire::edns opt_;
};

// A client's query with its parsed view.
struct client_query {
    std::vector<std::uint8_t> bytes;
    wire::query_view view;

    cache::key key() const { return cache::key::from_query(bytes, view); }
};

struct query_options {
    std::uint16_t id = 0x1234;
    bool edns = true;
    bool dnssec_ok = false;
    bool checking_disabled = false;
    std::uint16_t udp_size = 1232;
};

inline client_query make_query(std::string_view qname, std::uint16_t qtype,
                               query_options options = {}) {
    client_query q;
    q.bytes.resize(512);
    wire::message_builder b(q.bytes);
    b.hdr().id = options.id;
    b.hdr().flags = wire::header_flag::rd;
    if (options.checking_disabled) b.hdr().set_flag(wire::header_flag::cd, true);
    EXPECT_TRUE(b.add_question(dns_name(qname).wire(), qtype, wire::rr_class::in));
    if (options.edns) {
        wire::edns e;
        e.udp_size = options.udp_size;
        e.flags = options.dnssec_ok ? wire::edns_flag_do : 0;
        EXPECT_TRUE(b.add_opt(e));
    }
    q.bytes.resize(b.finish());
    EXPECT_EQ(wire::parse_query(q.bytes, q.view), wire::parse_error::none);
    return q;
}

inline wire::packet_index index_of(std::span<const std::uint8_t> packet) {
    wire::packet_index index;
    EXPECT_EQ(wire::index_packet(packet, index), wire::parse_error::none);
    return index;
}

inline insert_result insert_answer(answer_cache& cache, const upstream_answer& answer,
                                   const client_query& query, std::int64_t now,
                                   const wire::name* bailiwick = nullptr) {
    auto packet = answer.bytes();
    auto index = index_of(packet);
    return cache.insert(packet, index, query.key(), at(now), bailiwick);
}

struct answer {
    lookup_result result;
    std::vector<std::uint8_t> bytes;
    wire::packet_index index;

    // TTLs of the records other than OPT, in order.
    std::vector<std::uint32_t> ttls() const {
        std::vector<std::uint32_t> out;
        for (const auto& r : index.records) {
            if (r.type != wire::rr_type::opt) out.push_back(r.ttl);
        }
        return out;
    }
};

inline answer lookup_answer(answer_cache& cache, const client_query& query, std::int64_t now,
                            bool allow_stale = false, std::size_t limit = 0) {
    answer a;
    std::span<std::uint8_t> out = scratch();
    answer_target target{.query_packet = query.bytes,
                         .query = &query.view,
                         .limit = limit != 0 ? limit : wire::udp_answer_limit(query.view, 1232),
                         .out = out,
                         .allow_stale = allow_stale};
    a.result = cache.lookup(query.key(), at(now), target);
    a.bytes.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(a.result.length));
    if (a.result.length != 0) {
        EXPECT_EQ(wire::index_packet(a.bytes, a.index), wire::parse_error::none);
    }
    return a;
}

// What wire::write_relayed_response produces for this upstream answer and query.
inline std::vector<std::uint8_t> relayed(const upstream_answer& upstream, const client_query& query,
                                         std::size_t limit = 0) {
    auto packet = upstream.bytes();
    auto index = index_of(packet);
    std::vector<std::uint8_t> out(65535);
    out.resize(wire::write_relayed_response(
        packet, index, query.bytes, query.view,
        limit != 0 ? limit : wire::udp_answer_limit(query.view, 1232), 1232, out));
    return out;
}

// The decompressed name at `offset` of `packet`, as text.
inline std::string name_at(std::span<const std::uint8_t> packet, std::size_t offset) {
    wire::name n;
    EXPECT_EQ(wire::read_name(packet, offset, n), wire::parse_error::none);
    return n.to_text();
}

}  // namespace residns::cache::test
