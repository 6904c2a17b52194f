// The cross-worker flight table: who leads the upstream query for a key, who follows it.
#include "residns/server/flight_registry.hpp"

#include <algorithm>

namespace residns::server {

flight_registry::flight_registry() {
    shards_.reserve(shard_count);
    for (std::size_t i = 0; i < shard_count; ++i)
        shards_.push_back(std::make_unique<shard>(&hasher_));
}

flight_registry::shard& flight_registry::shard_for(const cache::key& k) {
    return *shards_[hasher_(k) % shard_count];
}

flight_registry::role flight_registry::join(const cache::key& k, const flight_member& self) {
    shard& s = shard_for(k);
    std::lock_guard lock(s.mutex);
    auto [it, inserted] = s.flights.try_emplace(k);
    entry& e = it->second;
    if (inserted || e.leader == self.id) {
        e.leader = self.id;
        return role::leader;
    }
    const bool known = std::any_of(e.followers.begin(), e.followers.end(),
                                   [&](const flight_member& m) { return m.id == self.id; });
    if (!known) e.followers.push_back(self);
    return role::follower;
}

void flight_registry::finish(const cache::key& k, const void* self,
                             const upstream::forward_result& result) {
    std::vector<flight_member> followers;
    {
        shard& s = shard_for(k);
        std::lock_guard lock(s.mutex);
        auto it = s.flights.find(k);
        if (it == s.flights.end() || it->second.leader != self) return;
        followers = std::move(it->second.followers);
        s.flights.erase(it);
    }
    if (followers.empty()) return;
    auto copy = std::make_shared<shared_result>();
    copy->status = result.status;
    copy->answer.assign(result.answer.begin(), result.answer.end());
    for (const auto& member : followers)
        member.deliver(k, copy);
}

std::size_t flight_registry::size() const {
    std::size_t total = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        total += s->flights.size();
    }
    return total;
}

}  // namespace residns::server
