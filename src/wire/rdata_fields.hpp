// Internal to the wire module: the wire-format rules of each field kind, shared by the in-place
// checker (packet_index), the decoder (owned rdata), the writer and field access. Each rule is
// written once here, in skip_field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/parse_error.hpp"
#include "residns/wire/rdata_layout.hpp"

namespace residns::wire::detail {

enum class name_mode : std::uint8_t {
    packet,  // names may hold compression pointers to earlier bytes of `data` (a whole message)
    plain,   // owned RDATA: names are uncompressed, pointers are an error
};

// Validates the field of `kind` at data[pos], which must end by `end`, and moves `pos` past it.
// A field that runs past `end` is rdata_length_mismatch; invalid content is bad_rdata; broken
// names report the name's own error.
parse_error skip_field(field_kind kind, std::span<const std::uint8_t> data, std::size_t& pos,
                       std::size_t end, name_mode mode);

// Validates every field of `layout` over data[pos, end): they must fill it exactly.
parse_error check_fields(const rdata_layout& layout, std::span<const std::uint8_t> data,
                         std::size_t pos, std::size_t end, name_mode mode);

// SvcParams (RFC 9460 2.2): keys strictly increasing, known keys' values well-formed.
parse_error check_svc_params(std::span<const std::uint8_t> params);
// Type bitmap (RFC 4034 4.1.2): windows increasing, lengths 1..32, no trailing zero octet.
parse_error check_type_bitmap(std::span<const std::uint8_t> bitmap);

}  // namespace residns::wire::detail
