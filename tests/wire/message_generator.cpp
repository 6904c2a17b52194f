// Random message generation driven by the RDATA layouts: every field kind has a generator here,
// so a type added to the layout table is covered by the round-trip test without more code.
#include "message_generator.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "residns/wire/constants.hpp"

namespace residns::wire::test {
namespace {

constexpr std::array<std::string_view, 6> suffixes{
    "example.com.", "example.net.", "b.c.d.", "xn--bcher-kva.example.", "com.", "."};

void put_u16(std::vector<std::uint8_t>& out, unsigned v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

}  // namespace

const std::vector<std::uint16_t>& message_generator::types() {
    static const std::vector<std::uint16_t> all = [] {
        std::vector<std::uint16_t> list;
        for (unsigned t = 1; t < 512; ++t) {
            auto type = static_cast<std::uint16_t>(t);
            if (type != rr_type::opt && find_layout(type) != nullptr) list.push_back(type);
        }
        for (std::uint16_t opaque : {10, 11, 29, 99, 256, 65280, 65535})
            list.push_back(opaque);
        return list;
    }();
    return all;
}

void message_generator::random_octets(std::vector<std::uint8_t>& out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(static_cast<std::uint8_t>(rng_()));
}

name message_generator::next_name() {
    if (!recent_.empty() && chance(30)) {
        // A name seen before, in a new random case.
        name seen = recent_[below(static_cast<std::uint32_t>(recent_.size()))];
        std::vector<std::uint8_t> wire(seen.wire().begin(), seen.wire().end());
        for (auto& c : wire) {
            if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && chance(50)) c ^= 0x20;
        }
        return name::from_wire(wire).value_or(seen);
    }
    name suffix = *name::from_text(suffixes[below(suffixes.size())]);
    std::vector<std::uint8_t> wire;
    std::uint32_t labels = below(4);
    for (std::uint32_t i = 0; i < labels; ++i) {
        std::uint32_t length = 1 + below(chance(5) ? 63 : 12);
        wire.push_back(static_cast<std::uint8_t>(length));
        for (std::uint32_t k = 0; k < length; ++k) {
            std::uint8_t c;
            if (chance(3)) {
                c = static_cast<std::uint8_t>(rng_());  // anything: dots, spaces, binary
            } else {
                constexpr std::string_view alphabet =
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*";
                c = static_cast<std::uint8_t>(alphabet[below(alphabet.size())]);
            }
            wire.push_back(c);
        }
    }
    for (std::uint8_t c : suffix.wire())
        wire.push_back(c);
    auto made = name::from_wire(wire);
    name result = made ? *made : suffix;  // too long: fall back to the suffix
    if (recent_.size() < 64) {
        recent_.push_back(result);
    } else {
        recent_[below(64)] = result;
    }
    return result;
}

std::uint16_t message_generator::next_type() {
    const auto& all = types();
    return all[below(static_cast<std::uint32_t>(all.size()))];
}

void message_generator::put_type_bitmap(std::vector<std::uint8_t>& out) {
    std::set<std::uint16_t> chosen;
    std::uint32_t count = below(8);
    for (std::uint32_t i = 0; i < count; ++i) {
        switch (below(3)) {
            case 0:
                chosen.insert(static_cast<std::uint16_t>(1 + below(60)));
                break;
            case 1:
                chosen.insert(static_cast<std::uint16_t>(below(1024)));
                break;
            default:
                chosen.insert(static_cast<std::uint16_t>(rng_()));
                break;
        }
    }
    auto it = chosen.begin();
    while (it != chosen.end()) {
        unsigned window = *it >> 8;
        std::array<std::uint8_t, 32> bits{};
        std::size_t length = 0;
        for (; it != chosen.end() && (*it >> 8) == window; ++it) {
            unsigned low = *it & 0xFF;
            bits[low / 8] = static_cast<std::uint8_t>(bits[low / 8] | (0x80u >> (low % 8)));
            length = low / 8 + 1;
        }
        out.push_back(static_cast<std::uint8_t>(window));
        out.push_back(static_cast<std::uint8_t>(length));
        for (std::size_t k = 0; k < length; ++k)
            out.push_back(bits[k]);
    }
}

void message_generator::put_svc_params(std::vector<std::uint8_t>& out) {
    // Keys in increasing order; mandatory (0) lists some of the others that are present.
    std::vector<std::uint16_t> keys;
    for (std::uint16_t key : {1, 2, 3, 4, 5, 6, 7, 667, 65534}) {
        if (chance(35)) keys.push_back(key);
    }
    if (!keys.empty() && chance(30)) {
        std::vector<std::uint8_t> listed;
        for (std::uint16_t key : keys) {
            if (chance(50)) put_u16(listed, key);
        }
        if (!listed.empty()) {
            put_u16(out, 0);
            put_u16(out, static_cast<unsigned>(listed.size()));
            for (std::uint8_t c : listed)
                out.push_back(c);
        }
    }
    for (std::uint16_t key : keys) {
        std::vector<std::uint8_t> value;
        switch (key) {
            case 1: {
                std::uint32_t ids = 1 + below(3);
                for (std::uint32_t i = 0; i < ids; ++i) {
                    std::uint32_t length = 1 + below(8);
                    value.push_back(static_cast<std::uint8_t>(length));
                    for (std::uint32_t k = 0; k < length; ++k) {
                        // Commas and backslashes exercise the value-list escapes.
                        constexpr std::string_view alphabet = "h23-,\\x\"";
                        value.push_back(
                            static_cast<std::uint8_t>(alphabet[below(alphabet.size())]));
                    }
                }
                break;
            }
            case 2:
                break;
            case 3:
                put_u16(value, below(65536));
                break;
            case 4:
                random_octets(value, 4 * (1 + below(3)));
                break;
            case 6:
                random_octets(value, 16 * (1 + below(2)));
                break;
            default:
                random_octets(value, below(12));
                break;
        }
        put_u16(out, key);
        put_u16(out, static_cast<unsigned>(value.size()));
        for (std::uint8_t c : value)
            out.push_back(c);
    }
}

void message_generator::put_field(field_kind kind, std::vector<std::uint8_t>& out) {
    switch (kind) {
        case field_kind::u8:
            random_octets(out, 1);
            return;
        case field_kind::u16:
        case field_kind::type:
            random_octets(out, 2);
            return;
        case field_kind::u32:
        case field_kind::ttl:
        case field_kind::time:
        case field_kind::ipv4:
            random_octets(out, 4);
            return;
        case field_kind::ipv6:
            random_octets(out, 16);
            return;
        case field_kind::name:
        case field_kind::name_compressed: {
            name n = next_name();
            for (std::uint8_t c : n.wire())
                out.push_back(c);
            return;
        }
        case field_kind::string:
        case field_kind::hex_counted: {
            std::uint32_t length = below(kind == field_kind::string ? 40 : 10);
            out.push_back(static_cast<std::uint8_t>(length));
            random_octets(out, length);
            return;
        }
        case field_kind::strings: {
            std::uint32_t count = 1 + below(3);
            for (std::uint32_t i = 0; i < count; ++i)
                put_field(field_kind::string, out);
            return;
        }
        case field_kind::base32_counted: {
            std::uint32_t length = 1 + below(20);
            out.push_back(static_cast<std::uint8_t>(length));
            random_octets(out, length);
            return;
        }
        case field_kind::tag: {
            constexpr std::string_view alphabet =
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            std::uint32_t length = 1 + below(15);
            out.push_back(static_cast<std::uint8_t>(length));
            for (std::uint32_t k = 0; k < length; ++k) {
                out.push_back(static_cast<std::uint8_t>(alphabet[below(alphabet.size())]));
            }
            return;
        }
        case field_kind::base64:
        case field_kind::hex:
        case field_kind::text_to_end:
        case field_kind::opaque:
            random_octets(out, below(40));
            return;
        case field_kind::type_bitmap:
            put_type_bitmap(out);
            return;
        case field_kind::svc_params:
            put_svc_params(out);
            return;
        case field_kind::edns_options:
            return;
    }
}

rdata message_generator::next_rdata(std::uint16_t type) {
    const rdata_layout* layout = find_layout(type);
    std::vector<std::uint8_t> bytes;
    for (const auto& field : (layout != nullptr ? *layout : opaque_layout()).fields) {
        put_field(field.kind, bytes);
    }
    return rdata::from_bytes(type, bytes).value_or(rdata{});
}

record message_generator::next_record() {
    record rr;
    rr.owner = next_name();
    rr.type = next_type();
    rr.rr_class = chance(90) ? rr_class::in : static_cast<std::uint16_t>(below(300));
    rr.ttl = chance(80) ? below(86400 * 2) : static_cast<std::uint32_t>(rng_());
    rr.data = next_rdata(rr.type);
    return rr;
}

message message_generator::next_message() {
    message m;
    recent_.clear();
    m.hdr.id = static_cast<std::uint16_t>(rng_());
    m.hdr.flags = static_cast<std::uint16_t>(rng_());
    std::uint32_t questions = chance(90) ? 1 : below(3);
    for (std::uint32_t i = 0; i < questions; ++i) {
        m.questions.push_back({next_name(), next_type(), rr_class::in});
    }
    auto fill = [&](std::vector<record>& records, std::uint32_t max) {
        std::uint32_t count = below(max + 1);
        for (std::uint32_t i = 0; i < count; ++i) {
            // Sometimes repeat the previous owner and type: an RRset.
            if (!records.empty() && chance(30)) {
                record rr = records.back();
                rr.data = next_rdata(rr.type);
                records.push_back(std::move(rr));
            } else {
                records.push_back(next_record());
            }
        }
    };
    fill(m.answers, 6);
    fill(m.authorities, 3);
    fill(m.additionals, 4);
    if (chance(50)) {
        edns e;
        e.udp_size = static_cast<std::uint16_t>(rng_());
        e.extended_rcode = chance(80) ? 0 : static_cast<std::uint8_t>(rng_());
        e.version = chance(90) ? 0 : static_cast<std::uint8_t>(rng_());
        e.flags = static_cast<std::uint16_t>(rng_());
        std::uint32_t options = below(3);
        for (std::uint32_t i = 0; i < options; ++i) {
            edns_option option;
            option.code = static_cast<std::uint16_t>(rng_());
            random_octets(option.data, below(16));
            e.options.push_back(std::move(option));
        }
        m.edns = std::move(e);
    }
    return m;
}

}  // namespace residns::wire::test
