// The per-question cap on outstanding upstream queries (see the header).
#include "residns/upstream/name_limiter.hpp"

namespace residns::upstream {

std::string name_limiter::key(std::span<const std::uint8_t> qname_lower, std::uint16_t qtype,
                              std::uint16_t qclass, bool dnssec_ok, bool checking_disabled) {
    std::string k(qname_lower.begin(), qname_lower.end());
    k.push_back(static_cast<char>(qtype >> 8));
    k.push_back(static_cast<char>(qtype & 0xFF));
    k.push_back(static_cast<char>(qclass >> 8));
    k.push_back(static_cast<char>(qclass & 0xFF));
    k.push_back(static_cast<char>((dnssec_ok ? 1 : 0) | (checking_disabled ? 2 : 0)));
    return k;
}

bool name_limiter::try_acquire(const std::string& key) {
    auto it = counts_.find(key);
    if (it == counts_.end()) {
        if (max_per_key_ == 0) return false;
        counts_.emplace(key, 1);
        return true;
    }
    if (it->second >= max_per_key_) return false;
    ++it->second;
    return true;
}

void name_limiter::release(const std::string& key) {
    auto it = counts_.find(key);
    if (it == counts_.end()) return;
    if (--it->second == 0) counts_.erase(it);
}

}  // namespace residns::upstream
