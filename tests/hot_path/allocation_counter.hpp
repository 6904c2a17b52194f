// Counts heap allocations of the whole process while a scope is open. The counting allocator
// (allocation_counter.cpp) replaces malloc and friends for the binary it is linked into, so
// operator new (which calls malloc) is counted too.
#pragma once

#include <cstdint>

namespace residns::testing {

// Allocations counted since the last start_counting().
void start_counting();
std::uint64_t stop_counting();

}  // namespace residns::testing
