// Domain names in uncompressed wire form (RFC 1035 3.1), stored inline (no heap), with
// case-insensitive comparison and hashing, canonical ordering (RFC 4034 6.1), reading with
// compression pointers from a packet, and presentation format with \. and \DDD escapes.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "residns/wire/parse_error.hpp"

namespace residns::wire {

inline constexpr std::size_t max_name_length = 255;
inline constexpr std::size_t max_label_length = 63;
// A valid name has at most 127 labels, so more pointer hops than that means a loop.
inline constexpr std::size_t max_compression_hops = 127;

inline constexpr std::uint8_t ascii_lower(std::uint8_t c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}

class name {
public:
    // The root name ".".
    name() { data_[0] = 0; }

    // From an uncompressed wire-form name; nullopt unless it is exactly one valid name.
    static std::optional<name> from_wire(std::span<const std::uint8_t> wire);
    // From presentation format. Relative names (no trailing dot) get `origin` appended; "@" is
    // the origin itself. nullopt on syntax errors, over-long labels or names.
    static std::optional<name> from_text(std::string_view text, const name& origin);
    static std::optional<name> from_text(std::string_view text) { return from_text(text, name{}); }

    std::span<const std::uint8_t> wire() const { return {data_.data(), size_}; }
    std::size_t size() const { return size_; }
    bool is_root() const { return size_ == 1; }
    std::size_t label_count() const;  // the root label is not counted: "a.b." has 2

    // Presentation format, always absolute (trailing dot), special characters escaped.
    std::string to_text() const;
    // The name with ASCII letters lower-cased (the canonical form of RFC 4034 6.2).
    name lowered() const;
    // The name with its first `n` labels removed; n <= label_count().
    name parent(std::size_t n = 1) const;
    // True when this name equals `ancestor` or lies below it (case-insensitive).
    bool is_subdomain_of(const name& ancestor) const;
    // `this` followed by `suffix`; nullopt when the result would exceed 255 octets.
    std::optional<name> concatenate(const name& suffix) const;

    // Case-insensitive hash with a caller-chosen seed.
    std::uint64_t hash(std::uint64_t seed = 0) const;

    // Case-insensitive equality.
    friend bool operator==(const name& a, const name& b);
    // Canonical DNS order (RFC 4034 6.1): by labels from the root, lower-cased, as octet strings.
    friend std::strong_ordering canonical_compare(const name& a, const name& b);

private:
    std::array<std::uint8_t, max_name_length> data_{};
    std::uint8_t size_ = 1;
};

// Reads a possibly compressed name starting at `offset` in `packet`. On success `offset` moves
// past the name as it sits in the packet (after the first pointer, if any) and `out` holds the
// decompressed name. Pointers must point strictly backwards and not into the 12-byte header.
parse_error read_name(std::span<const std::uint8_t> packet, std::size_t& offset, name& out);

// Validates a possibly compressed name like read_name but stores nothing; moves `offset` past
// it and returns the decompressed length in `length` (for indexing without copying).
parse_error skip_name(std::span<const std::uint8_t> packet, std::size_t& offset,
                      std::size_t& length);

// Case-insensitive comparison of an uncompressed wire name with a possibly compressed name at
// `offset` in `packet` (which is assumed already validated).
bool name_equals_at(std::span<const std::uint8_t> packet, std::size_t offset,
                    std::span<const std::uint8_t> wire);

struct name_hash {
    std::size_t operator()(const name& n) const { return static_cast<std::size_t>(n.hash()); }
};

}  // namespace residns::wire
