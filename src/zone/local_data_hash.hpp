// Internal to local_data: the seeded hash of a lower-cased wire name within a group (a zone, the
// transparent names, or the table of apexes), shared by the builder and the lookup so that both
// index the same way. Never trusted alone: every probe compares the whole name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace residns::zone::detail {

// The group under which apexes are hashed in the zone table.
inline constexpr std::uint32_t apex_group = 0xFFFFFFFE;

inline std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

inline std::uint64_t hash_lower_name(std::span<const std::uint8_t> name, std::uint32_t group,
                                     std::uint64_t seed) {
    std::uint64_t h = seed ^ (std::uint64_t{group} * 0x9E3779B97F4A7C15ULL) ^ name.size();
    std::size_t i = 0;
    for (; i + 8 <= name.size(); i += 8) {
        std::uint64_t chunk;
        std::memcpy(&chunk, name.data() + i, 8);
        h = (h ^ chunk) * 0x100000001B3ULL;
        h ^= h >> 29;
    }
    std::uint64_t tail = 0;
    for (std::size_t k = 0; i + k < name.size(); ++k) {
        tail |= std::uint64_t{name[i + k]} << (8 * k);
    }
    return mix64(h ^ tail);
}

}  // namespace residns::zone::detail
