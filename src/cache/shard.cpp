// The shard's index and eviction: chained hashing over dense slots, CLOCK eviction under a byte
// budget, and the memory behind entries and index arrays.
// Everything here but find() runs under the exclusive lock (shard.hpp).
#include "shard.hpp"

#include <cstdlib>
#include <malloc.h>
#include <new>
#include <sys/mman.h>

#include "entry_pool.hpp"

namespace residns::cache::detail {
namespace {

constexpr std::size_t initial_slots = 16;
constexpr std::size_t initial_buckets = 16;

std::size_t size_of(const entry& e) {
    return entry::size_for(e.record_count(), e.qname_length, e.records_length);
}

}  // namespace

entry* allocate_entry(std::size_t records, std::size_t qname_length, std::size_t records_length) {
    void* block = entry_pool::for_this_thread().allocate(
        entry::size_for(records, qname_length, records_length));
    if (block == nullptr) return nullptr;
    // The sizes that free_entry and entry_bytes read back; the caller splits the counts.
    auto* e = new (block) entry{};
    e->counts = {static_cast<std::uint16_t>(records), 0, 0};
    e->qname_length = static_cast<std::uint8_t>(qname_length);
    e->records_length = static_cast<std::uint16_t>(records_length);
    return e;
}

void free_entry(entry* e) {
    entry_pool::deallocate(e, size_of(*e));
}

std::size_t entry_bytes(const entry* e) {
    return entry_pool::reserved(e, size_of(*e));
}

template <typename T>
bool index_array<T>::reset(std::size_t n) {
    index_array fresh;
    fresh.size_ = n;
    const std::size_t length = n * sizeof(T);  // NOLINT(bugprone-sizeof-expression): T* arrays
    void* block = nullptr;
    if (fresh.mapped()) {
        block = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (block == MAP_FAILED) block = nullptr;
    } else {
        block = std::malloc(length);
    }
    if (block == nullptr) {
        fresh.size_ = 0;
        return false;
    }
    fresh.data_ = static_cast<T*>(block);
    swap(fresh);
    return true;
}

template <typename T>
void index_array<T>::release() {
    if (data_ != nullptr) {
        if (mapped()) {
            munmap(data_, size_ * sizeof(T));  // NOLINT(bugprone-sizeof-expression)
        } else {
            std::free(data_);
        }
    }
    data_ = nullptr;
    size_ = 0;
}

template <typename T>
std::size_t index_array<T>::bytes() const {
    if (data_ == nullptr) return 0;
    if (mapped()) return size_ * sizeof(T);  // NOLINT(bugprone-sizeof-expression)
    return malloc_usable_size(data_);
}

template class index_array<entry*>;
template class index_array<std::uint32_t>;

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

std::uint32_t shard::evict_one(std::uint32_t now, const settings& config) {
    // Terminates: each entry passed over has its bit cleared, so within one turn of the hand
    // some entry is evicted.
    for (;;) {
        if (hand_ >= count_) hand_ = 0;
        const std::uint32_t victim = hand_++;
        entry* e = slots_[victim];
        if (classify(*e, now, config) == freshness::dead) {
            counters_.expired.add();
        } else if (e->take_reference()) {
            continue;
        } else {
            counters_.evictions.add();
        }
        release(victim);
        return victim;
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

void shard::release(std::uint32_t slot) {
    entry* e = slots_[slot];
    unlink_chain(slot, hash_of(*e));
    entry_bytes_ -= entry_bytes(e);
    free_entry(e);
    slots_[slot] = nullptr;
}

void shard::close_hole(std::uint32_t slot) {
    const std::uint32_t last = count_ - 1;
    if (slot != last) relabel(last, slot);
    count_ = last;
    publish_size();
}

void shard::remove(std::uint32_t slot) {
    release(slot);
    close_hole(slot);
}

bool shard::grow_slots() {
    index_array<entry*> bigger;
    if (!bigger.reset(slots_.size() * 2)) return false;
    for (std::uint32_t i = 0; i < count_; ++i)
        bigger[i] = slots_[i];
    slots_.swap(bigger);
    return true;
}

bool shard::grow_buckets() {
    index_array<std::uint32_t> bigger;
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
    // A slot emptied by an eviction for `e`: `e` takes it, just behind the hand.
    std::uint32_t hole = no_slot;
    auto evict = [&] {
        if (hole != no_slot) close_hole(hole);  // a second eviction: close the first hole
        hole = count_ == 0 ? no_slot : evict_one(now, config);
        return hole != no_slot;
    };
    // Room for the entry and, when it takes a new slot, for the index arrays' growth (each
    // doubles).
    for (;;) {
        std::size_t growth = 0;
        if (hole == no_slot) {
            if (count_ == slots_.size()) growth += slots_.size() * sizeof(void*);  // entry* slots
            if (count_ + 1u > buckets_.size()) growth += buckets_.size() * sizeof(std::uint32_t);
        }
        if (bytes() + growth + need <= budget_) break;
        if (!evict()) return false;
    }
    if (hole == no_slot) {
        if (count_ == slots_.size() && !grow_slots()) return false;
        if (count_ + 1u > buckets_.size() && !grow_buckets()) return false;
        // The allocator may have rounded the new arrays up a little.
        while (bytes() + need > budget_) {
            if (!evict()) return false;
        }
    }
    std::uint32_t slot = hole;
    if (slot == no_slot) slot = count_++;
    slots_[slot] = e;
    std::uint32_t& head = buckets_[hash & (buckets_.size() - 1)];
    e->chain_next = head;
    head = slot;
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
    hand_ = 0;
    slots_.release();
    buckets_.release();
    if (hasher_ != nullptr) reset_index();
    publish_size();
    return removed;
}

}  // namespace residns::cache::detail
