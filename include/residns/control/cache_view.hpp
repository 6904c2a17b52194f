// What the control channel needs from the answer cache, as an interface: find one entry (explain)
// and list them all (dump). The daemon provides it; tests script it. answer_cache_view is the
// implementation on top of answer_cache's read-only find and for_each: nothing it does counts a
// hit or a miss or takes an entry's prefetch signal. The upstream that filled an entry comes from
// its tag (server/upstream_origins.hpp); entries restored from a snapshot have none.
//
// Threading: called on the control thread only; the cache itself is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "residns/cache/answer_cache.hpp"
#include "residns/server/upstream_origins.hpp"
#include "residns/wire/name.hpp"

namespace residns::control {

struct cache_entry_info {
    wire::name qname;
    std::uint16_t qtype = 1;
    std::uint16_t qclass = 1;
    bool dnssec_ok = false;
    bool checking_disabled = false;
    std::uint16_t rcode = 0;
    bool stale = false;                      // expired, kept for serve-stale
    std::optional<std::uint32_t> age;        // seconds since stored, when the cache knows it
    std::uint32_t ttl_left = 0;              // seconds until it expires (0 when stale)
    std::optional<std::uint32_t> stale_for;  // seconds since it expired, when known
    std::string upstream;                    // who filled it, when the cache knows it
    std::vector<std::string> records;        // presentation form, TTLs as a client would see them
};

class cache_view {
public:
    virtual ~cache_view() = default;
    // The entry a query (RD=1, DO=0, CD=0) for qname/qtype/qclass would be answered from now,
    // fresh or stale, or nullopt.
    virtual std::optional<cache_entry_info> find(const wire::name& qname, std::uint16_t qtype,
                                                 std::uint16_t qclass) = 0;
    // Calls `f` for every entry (records may be left empty); false when the cache cannot list
    // its entries.
    virtual bool for_each(const std::function<void(const cache_entry_info&)>& f) = 0;
};

// The real cache, at the daemon's steady clock.
class answer_cache_view final : public cache_view {
public:
    using clock_fn = cache::time_point (*)();
    // `origins` names the upstream of each entry's tag (null: none named).
    explicit answer_cache_view(
        const cache::answer_cache& cache, const server::upstream_origins* origins = nullptr,
        clock_fn now = +[] { return std::chrono::steady_clock::now(); })
        : cache_(cache), origins_(origins), now_(now) {}

    std::optional<cache_entry_info> find(const wire::name& qname, std::uint16_t qtype,
                                         std::uint16_t qclass) override;
    // Records are left empty. `f` runs with one shard of the cache held (writers of that shard
    // wait): it must be quick and must not call into the cache.
    bool for_each(const std::function<void(const cache_entry_info&)>& f) override;

private:
    cache_entry_info info_of(const cache::entry_view& e) const;

    const cache::answer_cache& cache_;
    const server::upstream_origins* origins_;
    clock_fn now_;
};

// One line of `dump`: "NAME CLASS TYPE [DO] [CD] RCODE ttl=N [age=N] [stale] [upstream=U]".
std::string dump_line(const cache_entry_info& e);

}  // namespace residns::control
