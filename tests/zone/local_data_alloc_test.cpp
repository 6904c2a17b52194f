// The hot path promise: lookup and write_local_answer allocate nothing. Counts calls to the
// global operator new (replaced for this test binary; it only counts and forwards to malloc).
// Not under AddressSanitizer, which owns operator new (its mismatch checks would fire).
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "local_test_util.hpp"
#include "residns/zone/local_answer.hpp"
#include "residns/zone/local_data.hpp"

// GCC defines __SANITIZE_ADDRESS__ under -fsanitize=address; clang 14 only answers __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RESIDNS_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(RESIDNS_UNDER_ASAN)
#define RESIDNS_COUNT_ALLOCATIONS 0
#else
#define RESIDNS_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

#if RESIDNS_COUNT_ALLOCATIONS

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc{};
}
void* operator new[](std::size_t size) {
    return operator new(size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
#endif

namespace residns::zone {
namespace {

namespace t = wire::rr_type;

TEST(LocalDataAllocation, LookupAndAnswerAllocateNothing) {
    if (!RESIDNS_COUNT_ALLOCATIONS) GTEST_SKIP() << "operator new belongs to the sanitizer";
    local_sources s;
    s.zones.push_back(test::make_zone(
        "example.com.", "db",
        {"@ 60 IN SOA ns hm 1 7200 3600 1209600 300", "@ 60 IN NS ns", "@ 60 IN MX 10 ns",
         "ns 60 IN A 192.0.2.1", "a 60 IN CNAME b", "b 60 IN CNAME ns", "*.w 60 IN A 192.0.2.2",
         "x 60 IN CNAME www.upstream.test."}));
    auto data = test::build_ok(s);
    struct q {
        const char* name;
        std::uint16_t type;
    };
    for (const q& item :
         {q{"ns.example.com.", t::a}, q{"a.example.com.", t::a}, q{"nope.example.com.", t::a},
          q{"z.w.example.com.", t::a}, q{"ns.example.com.", t::aaaa}, q{"example.com.", t::mx},
          q{"example.com.", t::any}, q{"x.example.com.", t::a}}) {
        auto query = test::make_query(item.name, item.type, {.edns = true});
        std::array<std::uint8_t, 1232> out{};
        const std::size_t before = allocations.load();
        local_result r = data->lookup(query.qname(), item.type, wire::rr_class::in);
        std::size_t n = write_local_answer(r, query.packet, query.view, out.size(), 1232, out);
        EXPECT_EQ(allocations.load(), before) << item.name;
        EXPECT_GT(n, 0u) << item.name;
    }
}

}  // namespace
}  // namespace residns::zone
