// Per-packet cost of the policy: the access-list check (default list; a large list of 1,000
// prefixes) and the rate limiter's check (one hot client; clients spread over a full table).
#include <chrono>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "residns/policy/access_control.hpp"
#include "residns/policy/rate_limiter.hpp"

namespace {

using residns::policy::access_control;
using residns::policy::access_settings;
using residns::policy::client_address;
using residns::policy::prefix;
using residns::policy::rate_limit_settings;
using residns::policy::rate_limiter;

std::vector<client_address> mixed_clients(std::size_t n) {
    std::mt19937_64 random(1);
    std::vector<client_address> out;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t r = random();
        out.push_back((r & 1) != 0 ? client_address{r, random(), true}
                                   : client_address::v4(static_cast<std::uint32_t>(r >> 8)));
    }
    return out;
}

void BM_AclDefaultLoopback(benchmark::State& state) {
    const access_control acl;
    const auto client = client_address::v4(0x7f000001);
    for (auto _ : state)
        benchmark::DoNotOptimize(acl.check(client));
}
BENCHMARK(BM_AclDefaultLoopback);

void BM_AclDefaultMixedClients(benchmark::State& state) {
    const access_control acl;
    const auto clients = mixed_clients(4096);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(acl.check(clients[i]));
        i = (i + 1) & 4095;
    }
}
BENCHMARK(BM_AclDefaultMixedClients);

void BM_AclThousandPrefixesMixedClients(benchmark::State& state) {
    access_settings s;
    std::mt19937_64 random(2);
    for (int i = 0; i < 1000; ++i) {
        const std::uint64_t r = random();
        prefix p;
        if ((r & 1) != 0) {
            p.address = {r & 0xffffffff00000000ULL, 0, true};
            p.length = 32;
        } else {
            p.address = client_address::v4(static_cast<std::uint32_t>(r) & 0xffffff00u);
            p.length = 24;
        }
        (i % 4 == 0 ? s.deny : s.allow).push_back(p);
    }
    const access_control acl(s);
    const auto clients = mixed_clients(4096);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(acl.check(clients[i]));
        i = (i + 1) & 4095;
    }
}
BENCHMARK(BM_AclThousandPrefixesMixedClients);

void BM_RateLimiterOneClient(benchmark::State& state) {
    rate_limiter limiter(rate_limit_settings{.enabled = true}, 1);
    const auto client = client_address::v4(0x7f000001);
    auto now = rate_limiter::time_point{} + std::chrono::hours(1);
    for (auto _ : state) {
        benchmark::DoNotOptimize(limiter.check(client, now));
        now += std::chrono::microseconds(1);
    }
}
BENCHMARK(BM_RateLimiterOneClient);

void BM_RateLimiterFullTableMixedClients(benchmark::State& state) {
    rate_limiter limiter(rate_limit_settings{.enabled = true}, 1);
    const auto clients = mixed_clients(1 << 20);
    auto now = rate_limiter::time_point{} + std::chrono::hours(1);
    for (const auto& c : clients)
        limiter.check(c, now);  // fill the table
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(limiter.check(clients[i], now));
        i = (i + 1) & ((1 << 20) - 1);
        now += std::chrono::microseconds(1);
    }
}
BENCHMARK(BM_RateLimiterFullTableMixedClients);

}  // namespace
