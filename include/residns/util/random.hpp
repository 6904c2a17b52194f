// Cryptographically secure random numbers for anything an attacker must not predict (upstream
// query IDs, 0x20 case bits, hash seeds). Backed by getrandom(2) through a per-thread buffer, so
// most calls make no syscall. Thread-safe: each thread has its own buffer.
#pragma once

#include <cstdint>
#include <span>

namespace residns::util {

void secure_random_fill(std::span<std::uint8_t> out);
std::uint16_t secure_random_u16();
std::uint32_t secure_random_u32();
std::uint64_t secure_random_u64();

}  // namespace residns::util
