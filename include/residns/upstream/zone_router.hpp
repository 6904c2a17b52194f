// Per-domain forwarding: picks the forward zone that a name is at or below (the longest one
// wins, compared case-insensitively on label boundaries). Built once from the settings; read-only
// afterwards, so it may be shared, though each forwarder builds its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace residns::upstream {

class zone_router {
public:
    // Adds a zone in presentation form ("corp.example.", "." for the root) that routes to
    // `group`. Throws std::invalid_argument when the text is not a valid name. The first of two
    // identical zones wins.
    void add(std::string_view zone, std::size_t group);

    // The group of the longest zone that `qname_lower` (lower-cased wire form) is at or below,
    // or nullopt when none contains it.
    std::optional<std::size_t> route(std::span<const std::uint8_t> qname_lower) const;

    bool empty() const { return zones_.empty(); }

private:
    struct zone {
        std::vector<std::uint8_t> wire;  // lower-cased wire form
        std::size_t group = 0;
    };
    std::vector<zone> zones_;  // longest first
};

}  // namespace residns::upstream
