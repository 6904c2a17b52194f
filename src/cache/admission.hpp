// Whether an upstream answer goes into the cache, for how long, and the entry that holds it: the
// TTL policy of answer_cache.hpp (positive, negative per RFC 2308, SERVFAIL, clamps) and the
// bailiwick filter, applied before anything is locked.
#pragma once

#include <cstdint>
#include <span>

#include "entry.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/cache/key.hpp"
#include "residns/cache/settings.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::cache::detail {

struct admission {
    insert_result verdict = insert_result::stored;
    // When stored: a complete entry (links unset, time_a = 0, time_b = lifetime) that the
    // caller now owns.
    entry* e = nullptr;
};

admission admit(std::span<const std::uint8_t> packet, const wire::packet_index& index, const key& k,
                const settings& config, const wire::name* bailiwick);

}  // namespace residns::cache::detail
