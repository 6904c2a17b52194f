// Wire-format rules per field kind: how long each field is and what makes it valid.
#include "rdata_fields.hpp"

#include "residns/util/endian.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/name.hpp"

namespace residns::wire::detail {
namespace {

// An uncompressed name inside owned RDATA.
parse_error skip_plain_name(std::span<const std::uint8_t> data, std::size_t& pos, std::size_t end) {
    std::size_t total = 0;
    while (true) {
        if (pos >= end) return parse_error::rdata_length_mismatch;
        std::uint8_t len = data[pos];
        if ((len & 0xC0) == 0xC0) return parse_error::bad_pointer;
        if ((len & 0xC0) != 0) return parse_error::bad_label_type;
        total += 1 + std::size_t{len};
        if (total > max_name_length) return parse_error::name_too_long;
        if (end - pos < 1 + std::size_t{len}) return parse_error::rdata_length_mismatch;
        pos += 1 + std::size_t{len};
        if (len == 0) return parse_error::none;
    }
}

parse_error skip_name_field(std::span<const std::uint8_t> data, std::size_t& pos, std::size_t end,
                            name_mode mode) {
    if (mode == name_mode::plain) return skip_plain_name(data, pos, end);
    // Names in RDATA may point anywhere earlier in the message but must end inside the RDATA.
    std::size_t length = 0;
    parse_error error = skip_name(data.first(end), pos, length);
    return error == parse_error::truncated ? parse_error::rdata_length_mismatch : error;
}

parse_error fixed(std::size_t& pos, std::size_t end, std::size_t n) {
    if (end - pos < n) return parse_error::rdata_length_mismatch;
    pos += n;
    return parse_error::none;
}

bool is_alnum(std::uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

parse_error check_type_bitmap(std::span<const std::uint8_t> bitmap) {
    std::size_t pos = 0;
    int previous_window = -1;
    while (pos < bitmap.size()) {
        if (bitmap.size() - pos < 2) return parse_error::rdata_length_mismatch;
        int window = bitmap[pos];
        std::size_t length = bitmap[pos + 1];
        if (window <= previous_window || length == 0 || length > 32) return parse_error::bad_rdata;
        if (bitmap.size() - pos - 2 < length) return parse_error::rdata_length_mismatch;
        if (bitmap[pos + 1 + length] == 0) return parse_error::bad_rdata;
        previous_window = window;
        pos += 2 + length;
    }
    return parse_error::none;
}

parse_error check_svc_params(std::span<const std::uint8_t> params) {
    std::size_t pos = 0;
    long previous_key = -1;
    while (pos < params.size()) {
        if (params.size() - pos < 4) return parse_error::rdata_length_mismatch;
        std::uint16_t key = util::load_u16(params.data() + pos);
        std::size_t length = util::load_u16(params.data() + pos + 2);
        if (static_cast<long>(key) <= previous_key || key == 65535) return parse_error::bad_rdata;
        if (params.size() - pos - 4 < length) return parse_error::rdata_length_mismatch;
        std::span<const std::uint8_t> value = params.subspan(pos + 4, length);
        bool ok = true;
        switch (key) {
            case 0: {  // mandatory: a non-empty, increasing list of keys, not itself
                ok = length > 0 && length % 2 == 0;
                long previous = 0;
                for (std::size_t i = 0; ok && i < length; i += 2) {
                    long listed = util::load_u16(value.data() + i);
                    ok = listed > previous;
                    previous = listed;
                }
                break;
            }
            case 1: {  // alpn: one or more non-empty character-strings filling the value
                ok = length > 0;
                std::size_t i = 0;
                while (ok && i < length) {
                    std::size_t id = value[i];
                    ok = id > 0 && length - i - 1 >= id;
                    i += 1 + id;
                }
                break;
            }
            case 2:
                ok = length == 0;
                break;  // no-default-alpn
            case 3:
                ok = length == 2;
                break;  // port
            case 4:
                ok = length > 0 && length % 4 == 0;
                break;  // ipv4hint
            case 6:
                ok = length > 0 && length % 16 == 0;
                break;  // ipv6hint
            default:
                break;  // ech and unknown keys
        }
        if (!ok) return parse_error::bad_rdata;
        previous_key = key;
        pos += 4 + length;
    }
    return parse_error::none;
}

parse_error skip_field(field_kind kind, std::span<const std::uint8_t> data, std::size_t& pos,
                       std::size_t end, name_mode mode) {
    switch (kind) {
        case field_kind::u8:
            return fixed(pos, end, 1);
        case field_kind::u16:
        case field_kind::type:
            return fixed(pos, end, 2);
        case field_kind::u32:
        case field_kind::ttl:
        case field_kind::time:
        case field_kind::ipv4:
            return fixed(pos, end, 4);
        case field_kind::ipv6:
            return fixed(pos, end, 16);
        case field_kind::name:
        case field_kind::name_compressed:
            return skip_name_field(data, pos, end, mode);
        case field_kind::string:
        case field_kind::hex_counted:
            if (pos >= end) return parse_error::rdata_length_mismatch;
            return fixed(pos, end, 1 + std::size_t{data[pos]});
        case field_kind::base32_counted:
            if (pos >= end) return parse_error::rdata_length_mismatch;
            if (data[pos] == 0) return parse_error::bad_rdata;
            return fixed(pos, end, 1 + std::size_t{data[pos]});
        case field_kind::tag: {
            if (pos >= end) return parse_error::rdata_length_mismatch;
            std::size_t length = data[pos];
            if (length == 0) return parse_error::bad_rdata;
            if (end - pos - 1 < length) return parse_error::rdata_length_mismatch;
            for (std::size_t i = 1; i <= length; ++i) {
                if (!is_alnum(data[pos + i])) return parse_error::bad_rdata;
            }
            pos += 1 + length;
            return parse_error::none;
        }
        case field_kind::strings:
            if (pos >= end) return parse_error::rdata_length_mismatch;  // at least one string
            while (pos < end) {
                parse_error error = fixed(pos, end, 1 + std::size_t{data[pos]});
                if (error != parse_error::none) return error;
            }
            return parse_error::none;
        case field_kind::type_bitmap: {
            parse_error error = check_type_bitmap(data.subspan(pos, end - pos));
            if (error == parse_error::none) pos = end;
            return error;
        }
        case field_kind::svc_params: {
            parse_error error = check_svc_params(data.subspan(pos, end - pos));
            if (error == parse_error::none) pos = end;
            return error;
        }
        case field_kind::edns_options: {
            parse_error error = check_edns_options(data.subspan(pos, end - pos));
            if (error == parse_error::none) pos = end;
            return error;
        }
        case field_kind::base64:
        case field_kind::hex:
        case field_kind::text_to_end:
        case field_kind::opaque:
            pos = end;
            return parse_error::none;
    }
    return parse_error::bad_rdata;
}

parse_error check_fields(const rdata_layout& layout, std::span<const std::uint8_t> data,
                         std::size_t pos, std::size_t end, name_mode mode) {
    for (const auto& field : layout.fields) {
        parse_error error = skip_field(field.kind, data, pos, end, mode);
        if (error != parse_error::none) return error;
    }
    return pos == end ? parse_error::none : parse_error::rdata_length_mismatch;
}

}  // namespace residns::wire::detail
