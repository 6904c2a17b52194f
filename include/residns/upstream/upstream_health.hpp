// Health of one upstream and the choice of the next upstream to try. An upstream that failed
// (timeout, socket error, SERVFAIL, REFUSED) is skipped for down_interval; when that has passed
// one query probes it while the others keep skipping it until the probe's outcome is known.
// Pure logic with the time passed in; owned by one forwarder, single-threaded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace residns::upstream {

class upstream_health {
public:
    using clock = std::chrono::steady_clock;

    bool is_down(clock::time_point now, clock::duration down_interval) const {
        return failing_ && (probing_ || now - last_failure_ < down_interval);
    }
    bool failing() const { return failing_; }
    clock::time_point last_failure() const { return last_failure_; }

    // A try is about to go to this upstream. Returns true when it is the probe of an upstream
    // whose down_interval has passed (then pass `probe` = true to the outcome below).
    bool on_try(clock::time_point now, clock::duration down_interval);
    void on_success(bool probe);
    void on_failure(clock::time_point now, bool probe);
    // The try ended without telling anything about health (a bad answer, shutdown).
    void on_inconclusive(bool probe);

private:
    clock::time_point last_failure_{};
    bool failing_ = false;
    bool probing_ = false;
};

// The next upstream for a request: among the `group` members (indexes into `health`) whose bit in
// `tried` is clear, the first one that is up, in the configured order; when all of those are
// down, the one that failed least recently. Returns a position in `group`, or nullopt when every
// member was tried. Groups have at most 64 members.
std::optional<std::size_t> pick_upstream(std::span<const std::size_t> group,
                                         std::span<const upstream_health> health,
                                         std::uint64_t tried,
                                         upstream_health::clock::time_point now,
                                         upstream_health::clock::duration down_interval);

inline constexpr std::size_t max_group_size = 64;

}  // namespace residns::upstream
