// Owned RDATA: decoding from a packet, writing through the message builder, field access. All
// three walk the type's layout with the field rules of rdata_fields.cpp.
#include "residns/wire/rdata.hpp"

#include "rdata_fields.hpp"
#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/message_builder.hpp"

namespace residns::wire {
namespace {

const rdata_layout& layout_of(std::uint16_t type) {
    const rdata_layout* layout = find_layout(type);
    return layout != nullptr ? *layout : opaque_layout();
}

bool has_length_octet(field_kind kind) {
    return kind == field_kind::string || kind == field_kind::hex_counted ||
           kind == field_kind::base32_counted || kind == field_kind::tag;
}

}  // namespace

std::optional<rdata> rdata::from_bytes(std::uint16_t type, std::span<const std::uint8_t> bytes) {
    if (bytes.size() > 0xFFFF) return std::nullopt;
    if (detail::check_fields(layout_of(type), bytes, 0, bytes.size(), detail::name_mode::plain) !=
        parse_error::none) {
        return std::nullopt;
    }
    rdata r;
    r.bytes_.assign(bytes.begin(), bytes.end());
    return r;
}

std::uint32_t rdata_field::number() const {
    switch (bytes.size()) {
        case 1:
            return bytes[0];
        case 2:
            return util::load_u16(bytes.data());
        case 4:
            return util::load_u32(bytes.data());
        default:
            return 0;
    }
}

name rdata_field::as_name() const {
    return name::from_wire(bytes).value_or(name{});
}

std::span<const std::uint8_t> rdata_field::content() const {
    if (has_length_octet(kind) && !bytes.empty()) return bytes.subspan(1);
    return bytes;
}

std::vector<rdata_field> rdata_fields(std::uint16_t type, const rdata& data) {
    const rdata_layout& layout = layout_of(type);
    std::span<const std::uint8_t> bytes = data.bytes();
    std::vector<rdata_field> fields;
    fields.reserve(layout.fields.size());
    std::size_t pos = 0;
    for (const auto& desc : layout.fields) {
        std::size_t start = pos;
        // `data` was validated when it was made, so this cannot fail.
        if (detail::skip_field(desc.kind, bytes, pos, bytes.size(), detail::name_mode::plain) !=
            parse_error::none) {
            break;
        }
        fields.push_back({desc.kind, desc.label, bytes.subspan(start, pos - start)});
    }
    return fields;
}

bool rdata_equal(std::uint16_t type, const rdata& a, const rdata& b) {
    if (a.size() != b.size()) return false;
    std::vector<rdata_field> fa = rdata_fields(type, a);
    std::vector<rdata_field> fb = rdata_fields(type, b);
    if (fa.size() != fb.size()) return false;
    for (std::size_t i = 0; i < fa.size(); ++i) {
        if (fa[i].bytes.size() != fb[i].bytes.size()) return false;
        for (std::size_t k = 0; k < fa[i].bytes.size(); ++k) {
            std::uint8_t x = fa[i].bytes[k];
            std::uint8_t y = fb[i].bytes[k];
            // In a name, label lengths never fall in 'A'..'Z' (they are at most 63), so folding
            // every octet compares the labels case-insensitively and the lengths exactly.
            if (is_name_field(fa[i].kind) ? ascii_lower(x) != ascii_lower(y) : x != y) return false;
        }
    }
    return true;
}

parse_error read_rdata(std::uint16_t type, std::span<const std::uint8_t> packet, std::size_t offset,
                       std::size_t length, rdata& out) {
    if (offset > packet.size() || packet.size() - offset < length) return parse_error::truncated;
    const std::size_t end = offset + length;
    const rdata_layout& layout = layout_of(type);
    std::vector<std::uint8_t> bytes;
    bytes.reserve(length);
    std::size_t pos = offset;
    for (const auto& desc : layout.fields) {
        std::size_t start = pos;
        parse_error error =
            detail::skip_field(desc.kind, packet, pos, end, detail::name_mode::packet);
        if (error != parse_error::none) return error;
        if (is_name_field(desc.kind)) {
            name n;
            std::size_t at = start;
            error = read_name(packet.first(end), at, n);
            if (error != parse_error::none) return error;
            for (std::uint8_t octet : n.wire())
                bytes.push_back(octet);
        } else {
            for (std::size_t i = start; i < pos; ++i)
                bytes.push_back(packet[i]);
        }
    }
    if (pos != end) return parse_error::rdata_length_mismatch;
    out.bytes_ = std::move(bytes);
    return parse_error::none;
}

bool write_rdata(message_builder& builder, std::uint16_t type, const rdata& data) {
    const rdata_layout& layout = layout_of(type);
    std::span<const std::uint8_t> bytes = data.bytes();
    std::size_t pos = 0;
    for (const auto& desc : layout.fields) {
        std::size_t start = pos;
        if (detail::skip_field(desc.kind, bytes, pos, bytes.size(), detail::name_mode::plain) !=
            parse_error::none) {
            return false;
        }
        std::span<const std::uint8_t> field = bytes.subspan(start, pos - start);
        bool ok = is_name_field(desc.kind)
                      ? builder.put_name(field, desc.kind == field_kind::name_compressed)
                      : builder.put_bytes(field);
        if (!ok) return false;
    }
    return pos == bytes.size();
}

rdata make_a_rdata(const std::array<std::uint8_t, 4>& address) {
    return *rdata::from_bytes(rr_type::a, address);
}

rdata make_aaaa_rdata(const std::array<std::uint8_t, 16>& address) {
    return *rdata::from_bytes(rr_type::aaaa, address);
}

rdata make_name_rdata(const name& target) {
    return *rdata::from_bytes(rr_type::ns, target.wire());
}

}  // namespace residns::wire
