// Per-upstream fallback from DNS 0x20 (random case of the qname): some upstreams (old
// forwarders, some middleboxes) do not echo the question's case, so every answer fails our
// byte-for-byte check. After `threshold` consecutive answers that match our question except for
// its case, 0x20 is turned off towards that upstream for `off_for`; then queries use it again as
// a probe: one answer that echoes the random case turns it back on, another case mismatch turns
// it off for `off_for` again.
//
// A case mismatch is always a failed try (the answer is never relayed, whatever this state
// says); this only decides whether the next query's name gets random case. Only answers that
// passed c-ares' own matching (our ID, from the upstream's address and port) reach it, and any
// answer that echoes our case resets the count: turning 0x20 off needs `threshold` mismatches in
// a row with no good answer in between, which a spoofer who must first guess ID and port cannot
// produce.
//
// Pure logic with the time passed in; one per upstream in a forwarder (single-threaded).
#pragma once

#include <chrono>
#include <cstdint>

namespace residns::upstream {

struct case_fallback_config {
    std::uint32_t threshold = 3;
    std::chrono::steady_clock::duration off_for = std::chrono::minutes(10);
};

class case_fallback {
public:
    using clock = std::chrono::steady_clock;
    using config = case_fallback_config;

    // What on_case_mismatch() did, for counters and logs.
    enum class change : std::uint8_t {
        none,
        turned_off,    // 0x20 was on and is now off
        probe_failed,  // a probe after off_for mismatched again: off for another off_for
    };

    explicit case_fallback(const config& c = {}) : config_(c) {}

    // Whether the next query to this upstream gets random case.
    bool randomize(clock::time_point now) const { return on_ || now >= retry_at_; }
    bool enabled() const { return on_; }

    // An answer whose question matched ours byte for byte. `randomized`: the query had random
    // case. Returns true when this turned 0x20 back on.
    bool on_match(bool randomized) {
        if (!randomized) return false;
        mismatches_ = 0;
        if (on_) return false;
        on_ = true;
        return true;
    }

    // An answer whose question matched ours except for the case of the name.
    change on_case_mismatch(bool randomized, clock::time_point now) {
        if (!randomized) return change::none;  // nothing to learn: we sent lower case
        if (!on_) {
            if (now < retry_at_) return change::none;  // sent before it was turned off
            retry_at_ = now + config_.off_for;
            return change::probe_failed;
        }
        if (++mismatches_ < config_.threshold) return change::none;
        on_ = false;
        mismatches_ = 0;
        retry_at_ = now + config_.off_for;
        return change::turned_off;
    }

private:
    config config_;
    bool on_ = true;
    std::uint32_t mismatches_ = 0;  // consecutive, while on
    clock::time_point retry_at_{};
};

}  // namespace residns::upstream
