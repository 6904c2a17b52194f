// The table of upstream tags for cache entries (upstream_origins.hpp).
#include "residns/server/upstream_origins.hpp"

namespace residns::server {

std::string origin_name(const upstream::endpoint& e) {
    const bool v6 = e.address.find(':') != std::string::npos;
    return (v6 ? "[" + e.address + "]" : e.address) + ":" + std::to_string(e.port);
}

std::uint8_t upstream_origins::add(const upstream::endpoint& e) {
    if (const std::uint8_t known = tag_of(e); known != 0) return known;
    const std::size_t n = count_.load(std::memory_order_relaxed);
    if (n == capacity) return 0;
    slots_[n].endpoint = e;
    slots_[n].name = origin_name(e);
    count_.store(n + 1, std::memory_order_release);
    return static_cast<std::uint8_t>(n + 1);
}

std::uint8_t upstream_origins::tag_of(const upstream::endpoint& e) const {
    const std::size_t n = count_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) {
        if (slots_[i].endpoint == e) return static_cast<std::uint8_t>(i + 1);
    }
    return 0;
}

std::string_view upstream_origins::name_of(std::uint8_t tag) const {
    if (tag == 0 || tag > count_.load(std::memory_order_acquire)) return {};
    return slots_[tag - 1].name;
}

}  // namespace residns::server
