// Per-thread buffered getrandom(2). A refill is one syscall per 4 KiB of randomness.
#include "residns/util/random.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/random.h>

namespace residns::util {
namespace {

struct random_pool {
    std::array<std::uint8_t, 4096> bytes{};
    std::size_t used = bytes.size();

    void refill() {
        std::size_t filled = 0;
        while (filled < bytes.size()) {
            ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw std::runtime_error("getrandom failed");
            }
            filled += static_cast<std::size_t>(n);
        }
        used = 0;
    }

    void take(std::uint8_t* out, std::size_t n) {
        while (n > 0) {
            if (used == bytes.size()) refill();
            std::size_t chunk = std::min(n, bytes.size() - used);
            std::memcpy(out, bytes.data() + used, chunk);
            // Bytes handed out are wiped so a later memory disclosure cannot reveal them.
            std::memset(bytes.data() + used, 0, chunk);
            used += chunk;
            out += chunk;
            n -= chunk;
        }
    }
};

thread_local random_pool pool;

template <typename T>
T take_value() {
    T value;
    pool.take(reinterpret_cast<std::uint8_t*>(&value), sizeof value);
    return value;
}

}  // namespace

void secure_random_fill(std::span<std::uint8_t> out) {
    pool.take(out.data(), out.size());
}
std::uint16_t secure_random_u16() {
    return take_value<std::uint16_t>();
}
std::uint32_t secure_random_u32() {
    return take_value<std::uint32_t>();
}
std::uint64_t secure_random_u64() {
    return take_value<std::uint64_t>();
}

}  // namespace residns::util
