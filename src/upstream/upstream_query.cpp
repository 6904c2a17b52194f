// Building the upstream query and checking the answer's header and question (see the header).
#include "residns/upstream/upstream_query.hpp"

#include <algorithm>
#include <cstring>

#include "residns/util/endian.hpp"
#include "residns/util/random.hpp"

namespace residns::upstream {
namespace {

constexpr std::size_t header_size = 12;
constexpr std::uint16_t flag_qr = 0x8000;
constexpr std::uint16_t flag_rd = 0x0100;
constexpr std::uint16_t flag_cd = 0x0010;
constexpr std::uint16_t type_opt = 41;
constexpr std::uint8_t rcode_mask = 0x0F;

bool is_upper(std::uint8_t c) {
    return c >= 'A' && c <= 'Z';
}
bool is_lower(std::uint8_t c) {
    return c >= 'a' && c <= 'z';
}

// Length of the (valid, uncompressed) name at the start of `wire`.
std::size_t name_length(std::span<const std::uint8_t> wire) {
    std::size_t i = 0;
    while (i < wire.size() && wire[i] != 0)
        i += 1 + wire[i];
    return i + 1;
}

// Moves `offset` past a possibly compressed name; false when it runs off the end or is not a
// name. Pointers are not followed: only the bytes in place matter here.
bool skip_name(std::span<const std::uint8_t> msg, std::size_t& offset) {
    for (std::size_t labels = 0; labels < 128; ++labels) {
        if (offset >= msg.size()) return false;
        std::uint8_t len = msg[offset];
        if (len == 0) {
            offset += 1;
            return true;
        }
        if ((len & 0xC0) == 0xC0) {
            offset += 2;
            return offset <= msg.size();
        }
        if ((len & 0xC0) != 0) return false;
        offset += 1 + std::size_t{len};
    }
    return false;
}

}  // namespace

bool is_wire_name(std::span<const std::uint8_t> wire) {
    if (wire.empty() || wire.size() > 255) return false;
    std::size_t i = 0;
    while (i < wire.size()) {
        std::uint8_t len = wire[i];
        if (len == 0) return i + 1 == wire.size();
        if (len > 63) return false;
        i += 1 + std::size_t{len};
    }
    return false;
}

void lower_case_name(std::span<std::uint8_t> wire) {
    for (auto& c : wire) {
        if (is_upper(c)) c = static_cast<std::uint8_t>(c + ('a' - 'A'));
    }
}

void randomize_case(std::span<std::uint8_t> wire) {
    std::uint64_t bits = 0;
    int bits_left = 0;
    for (auto& c : wire) {
        if (!is_upper(c) && !is_lower(c)) continue;
        if (bits_left == 0) {
            bits = util::secure_random_u64();
            bits_left = 64;
        }
        c = static_cast<std::uint8_t>((bits & 1) != 0 ? (c & ~0x20) : (c | 0x20));
        bits >>= 1;
        --bits_left;
    }
}

std::size_t write_upstream_query(std::span<std::uint8_t, max_upstream_query_size> out,
                                 std::uint16_t id, const query_spec& spec) {
    std::uint8_t* p = out.data();
    util::store_u16(p, id);
    util::store_u16(p + 2,
                    static_cast<std::uint16_t>(flag_rd | (spec.checking_disabled ? flag_cd : 0)));
    util::store_u16(p + 4, 1);  // QDCOUNT
    util::store_u16(p + 6, 0);
    util::store_u16(p + 8, 0);
    util::store_u16(p + 10, 1);  // ARCOUNT: our OPT
    std::size_t size = header_size;
    std::memcpy(p + size, spec.qname.data(), spec.qname.size());
    size += spec.qname.size();
    util::store_u16(p + size, spec.qtype);
    util::store_u16(p + size + 2, spec.qclass);
    size += 4;
    // OPT: root owner, type 41, class = UDP payload size, TTL = extended RCODE 0, version 0,
    // flags (DO is the top bit), RDLENGTH 0.
    p[size] = 0;
    util::store_u16(p + size + 1, type_opt);
    util::store_u16(p + size + 3, spec.udp_size);
    p[size + 5] = 0;
    p[size + 6] = 0;
    p[size + 7] = spec.dnssec_ok ? 0x80 : 0x00;
    p[size + 8] = 0;
    util::store_u16(p + size + 9, 0);
    return size + 11;
}

answer_verdict check_answer(std::span<const std::uint8_t> answer,
                            std::span<const std::uint8_t> query) {
    const std::size_t question_end = header_size + name_length(query.subspan(header_size)) + 4;
    if (answer.size() < header_size) return answer_verdict::too_short;
    if (util::load_u16(answer.data()) != util::load_u16(query.data())) {
        return answer_verdict::wrong_id;
    }
    const std::uint16_t flags = util::load_u16(answer.data() + 2);
    if ((flags & flag_qr) == 0) return answer_verdict::not_a_response;
    if (((flags >> 11) & 0x0F) != 0) return answer_verdict::wrong_opcode;
    if (util::load_u16(answer.data() + 4) != 1) return answer_verdict::wrong_qdcount;
    if (answer.size() < question_end) return answer_verdict::too_short;
    if (!std::equal(query.begin() + header_size, query.begin() + question_end,
                    answer.begin() + header_size)) {
        // Only the name's letters may differ in case; length octets are <= 63 so they are
        // never letters, and type and class must be equal octet for octet.
        const auto same_but_case = [](std::uint8_t a, std::uint8_t b) {
            return a == b ||
                   (is_lower(static_cast<std::uint8_t>(a | 0x20)) && (a | 0x20) == (b | 0x20));
        };
        const std::size_t name_end = question_end - 4;
        const bool same_name = std::equal(query.begin() + header_size, query.begin() + name_end,
                                          answer.begin() + header_size, same_but_case);
        const bool same_type_class = std::equal(
            query.begin() + name_end, query.begin() + question_end, answer.begin() + name_end);
        return same_name && same_type_class ? answer_verdict::wrong_case
                                            : answer_verdict::wrong_question;
    }
    return answer_verdict::ok;
}

std::uint8_t answer_rcode(std::span<const std::uint8_t> answer) {
    return static_cast<std::uint8_t>(answer[3] & rcode_mask);
}

bool has_opt_record(std::span<const std::uint8_t> answer) {
    if (answer.size() < header_size) return false;
    const std::size_t questions = util::load_u16(answer.data() + 4);
    const std::size_t answers_and_authority =
        std::size_t{util::load_u16(answer.data() + 6)} + util::load_u16(answer.data() + 8);
    const std::size_t additional = util::load_u16(answer.data() + 10);
    std::size_t offset = header_size;
    for (std::size_t i = 0; i < questions; ++i) {
        if (!skip_name(answer, offset)) return false;
        offset += 4;
    }
    for (std::size_t i = 0; i < answers_and_authority + additional; ++i) {
        if (!skip_name(answer, offset) || offset + 10 > answer.size()) return false;
        const std::uint16_t type = util::load_u16(answer.data() + offset);
        const std::size_t end = offset + 10 + util::load_u16(answer.data() + offset + 8);
        if (end > answer.size()) return false;
        if (i >= answers_and_authority && type == type_opt) return true;
        offset = end;
    }
    return false;
}

}  // namespace residns::upstream
