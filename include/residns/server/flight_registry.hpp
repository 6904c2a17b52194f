// Which worker is asking the upstreams for a key right now, so that identical misses arriving on
// other workers join that one upstream query instead of sending their own (coalescing across
// workers; each worker still coalesces its own clients in its own table).
//
// The first worker to miss a key becomes its leader and asks upstream. A worker that misses the
// same key while the leader is asking becomes a follower: it keeps its clients in its own flight,
// sends nothing, and is handed a copy of the leader's result on its own thread (posted to its
// io_context) when the leader finishes. Registration and finish are atomic with respect to each
// other, so a follower either joins a flight whose finish will reach it or becomes the leader of
// a new one; no client is left waiting on a flight that already ended.
//
// Only the miss path touches the registry (one short lock per new upstream query); the hit path
// never does. Sharded by key hash to keep workers that miss different names apart.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "residns/cache/key.hpp"
#include "residns/upstream/forwarder.hpp"

namespace residns::server {

// A leader's result as handed to followers: the status and a copy of the answer packet.
struct shared_result {
    upstream::forward_status status = upstream::forward_status::failed;
    std::vector<std::uint8_t> answer;

    upstream::forward_result view() const {
        return {.status = status, .answer = answer, .upstream = nullptr};
    }
};

// A worker as the registry knows it: an identity and a way to run the delivery on its thread.
struct flight_member {
    const void* id = nullptr;
    // Posts `deliver(key, result)` to the member's thread.
    std::function<void(const cache::key&, std::shared_ptr<const shared_result>)> deliver;
};

class flight_registry {
public:
    flight_registry();
    flight_registry(const flight_registry&) = delete;
    flight_registry& operator=(const flight_registry&) = delete;

    enum class role : std::uint8_t { leader, follower };

    // `self` misses `k` with no flight of its own for it: leader if nobody is asking upstream,
    // else a follower of the worker that is.
    role join(const cache::key& k, const flight_member& self);

    // The leader `self` has the result for `k`: ends the flight and delivers a copy of `result`
    // to every follower. Does nothing when `self` is not the leader of `k`.
    void finish(const cache::key& k, const void* self, const upstream::forward_result& result);

    // Keys with a leader (for tests and metrics).
    std::size_t size() const;

private:
    struct entry {
        const void* leader = nullptr;
        std::vector<flight_member> followers;
    };
    struct key_hash {
        const cache::key_hasher* hasher;
        std::size_t operator()(const cache::key& k) const { return (*hasher)(k); }
    };
    struct alignas(64) shard {
        mutable std::mutex mutex;
        std::unordered_map<cache::key, entry, key_hash> flights;
        explicit shard(const cache::key_hasher* hasher) : flights(16, key_hash{hasher}) {}
    };
    static constexpr std::size_t shard_count = 16;

    shard& shard_for(const cache::key& k);

    cache::key_hasher hasher_;
    std::vector<std::unique_ptr<shard>> shards_;
};

}  // namespace residns::server
