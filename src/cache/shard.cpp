// The shard's index and LRU list: chained hashing over dense slots, second-chance eviction from
// the LRU tail under a byte budget, and the malloc'd blocks behind entries and index arrays.
// Everything here but find() runs under the exclusive lock (shard.hpp).
#include "shard.hpp"

#include <cstdlib>
#include <malloc.h>
#include <new>

namespace residns::cache::detail {
namespace {

constexpr std::size_t initial_slots = 16;
constexpr std::size_t initial_buckets = 16;

}  // namespace

entry* allocate_entry(std::size_t records, std::size_t qname_length, std::size_t records_length) {
    void* block = std::malloc(entry::size_for(records, qname_length, records_length));
    if (block == nullptr) return nullptr;
    return new (block) entry{};
}

void free_entry(entry* e) {
    std::free(e);
}

std::size_t entry_bytes(const entry* e) {
    return malloc_usable_size(const_cast<entry*>(e));
}

template <typename T>
bool malloc_array<T>::reset(std::size_t n) {
    void* block = std::malloc(n * sizeof(T));  // NOLINT(bugprone-sizeof-expression): T* arrays
    if (block == nullptr) return false;
    std::free(data_);
    data_ = static_cast<T*>(block);
    size_ = n;
    return true;
}

template <typename T>
std::size_t malloc_array<T>::bytes() const {
    return data_ == nullptr ? 0 : malloc_usable_size(data_);
}

template class malloc_array<entry*>;
template class malloc_array<std::uint32_t>;

shard::~shard() {
    for (std::uint32_t i = 0; i < count_; ++i)
        free_entry(slots_[i]);
}

void shard::init(std::size_t budget, const key_hasher* hasher, std::uint32_t tag) {
    budget_ = budget;
    hasher_ = hasher;
    tag_ = tag;
    reset_index();
    publish_size();
}

bool shard::reset_index() {
    if (!slots_.reset(initial_slots) || !buckets_.reset(initial_buckets)) return false;
    for (std::size_t b = 0; b < buckets_.size(); ++b)
        buckets_[b] = no_slot;
    return true;
}

void shard::publish_size() {
    counters_.entries.set(count_);
    counters_.bytes.set(bytes());
}

std::uint64_t shard::hash_of(const entry& e) const {
    return (*hasher_)(e.qname(), e.qtype, e.qclass, e.dnssec_ok(), e.checking_disabled());
}

std::uint32_t shard::find(std::uint64_t hash, const key& k) const {
    std::uint32_t slot = buckets_[hash & (buckets_.size() - 1)];
    while (slot != no_slot) {
        const entry* e = slots_[slot];
        if (e->matches(k)) return slot;
        slot = e->chain_next;
    }
    return no_slot;
}

void shard::link_front(std::uint32_t slot) {
    entry* e = slots_[slot];
    e->lru_prev = no_slot;
    e->lru_next = lru_head_;
    if (lru_head_ != no_slot) slots_[lru_head_]->lru_prev = slot;
    lru_head_ = slot;
    if (lru_tail_ == no_slot) lru_tail_ = slot;
}

void shard::unlink_lru(std::uint32_t slot) {
    entry* e = slots_[slot];
    if (e->lru_prev != no_slot) {
        slots_[e->lru_prev]->lru_next = e->lru_next;
    } else {
        lru_head_ = e->lru_next;
    }
    if (e->lru_next != no_slot) {
        slots_[e->lru_next]->lru_prev = e->lru_prev;
    } else {
        lru_tail_ = e->lru_prev;
    }
}

void shard::evict_one(std::uint32_t now, const settings& config) {
    // Terminates: each entry moved to the front has its bit cleared, so within one pass over
    // the list some entry is removed.
    for (;;) {
        const std::uint32_t victim = lru_tail_;
        entry* e = slots_[victim];
        if (classify(*e, now, config) == freshness::dead) {
            counters_.expired.add();
        } else if (e->take_reference()) {
            unlink_lru(victim);
            link_front(victim);
            continue;
        } else {
            counters_.evictions.add();
        }
        remove(victim);
        return;
    }
}

void shard::unlink_chain(std::uint32_t slot, std::uint64_t hash) {
    std::uint32_t& head = buckets_[hash & (buckets_.size() - 1)];
    if (head == slot) {
        head = slots_[slot]->chain_next;
        return;
    }
    std::uint32_t cur = head;
    while (slots_[cur]->chain_next != slot)
        cur = slots_[cur]->chain_next;
    slots_[cur]->chain_next = slots_[slot]->chain_next;
}

void shard::relabel(std::uint32_t from, std::uint32_t to) {
    entry* e = slots_[from];
    if (e->lru_prev != no_slot) {
        slots_[e->lru_prev]->lru_next = to;
    } else {
        lru_head_ = to;
    }
    if (e->lru_next != no_slot) {
        slots_[e->lru_next]->lru_prev = to;
    } else {
        lru_tail_ = to;
    }
    std::uint32_t& head = buckets_[hash_of(*e) & (buckets_.size() - 1)];
    if (head == from) {
        head = to;
    } else {
        std::uint32_t cur = head;
        while (slots_[cur]->chain_next != from)
            cur = slots_[cur]->chain_next;
        slots_[cur]->chain_next = to;
    }
    slots_[to] = e;
}

void shard::remove(std::uint32_t slot) {
    entry* e = slots_[slot];
    unlink_chain(slot, hash_of(*e));
    unlink_lru(slot);
    entry_bytes_ -= entry_bytes(e);
    free_entry(e);
    const std::uint32_t last = count_ - 1;
    if (slot != last) relabel(last, slot);
    count_ = last;
    publish_size();
}

bool shard::grow_slots() {
    malloc_array<entry*> bigger;
    if (!bigger.reset(slots_.size() * 2)) return false;
    for (std::uint32_t i = 0; i < count_; ++i)
        bigger[i] = slots_[i];
    slots_.swap(bigger);
    return true;
}

bool shard::grow_buckets() {
    malloc_array<std::uint32_t> bigger;
    if (!bigger.reset(buckets_.size() * 2)) return false;
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t b = 0; b < bigger.size(); ++b)
        bigger[b] = no_slot;
    for (std::uint32_t i = 0; i < count_; ++i) {
        std::uint32_t& head = bigger[hash_of(*slots_[i]) & mask];
        slots_[i]->chain_next = head;
        head = i;
    }
    buckets_.swap(bigger);
    return true;
}

bool shard::add(entry* e, std::uint64_t hash, std::uint32_t now, const settings& config) {
    const std::size_t need = entry_bytes(e);
    if (need > budget_ / 4) return false;
    // Room for the entry and for the index arrays' growth (each doubles).
    for (;;) {
        std::size_t growth = 0;
        if (count_ == slots_.size()) growth += slots_.size() * sizeof(void*);  // entry* slots
        if (count_ + 1u > buckets_.size()) growth += buckets_.size() * sizeof(std::uint32_t);
        if (bytes() + growth + need <= budget_) break;
        if (lru_tail_ == no_slot) return false;
        evict_one(now, config);
    }
    if (count_ == slots_.size() && !grow_slots()) return false;
    if (count_ + 1u > buckets_.size() && !grow_buckets()) return false;
    // malloc may have rounded the new arrays up a little.
    while (bytes() + need > budget_) {
        if (lru_tail_ == no_slot) return false;
        evict_one(now, config);
    }
    const std::uint32_t slot = count_++;
    slots_[slot] = e;
    std::uint32_t& head = buckets_[hash & (buckets_.size() - 1)];
    e->chain_next = head;
    head = slot;
    link_front(slot);
    entry_bytes_ += need;
    publish_size();
    return true;
}

std::size_t shard::clear() {
    const std::size_t removed = count_;
    for (std::uint32_t i = 0; i < count_; ++i)
        free_entry(slots_[i]);
    count_ = 0;
    entry_bytes_ = 0;
    lru_head_ = no_slot;
    lru_tail_ = no_slot;
    slots_.release();
    buckets_.release();
    if (hasher_ != nullptr) reset_index();
    publish_size();
    return removed;
}

}  // namespace residns::cache::detail
