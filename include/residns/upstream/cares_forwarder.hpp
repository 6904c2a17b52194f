// The forwarder that asks upstream DNS servers through c-ares 1.18, its sockets driven by the
// worker's Asio io_context. One per worker thread: c-ares channels are single-threaded.
//
// Use: a cares_library exists for the whole process; each worker builds its forwarder on its
// own thread with its own io_context and destroys it on that thread, before the io_context,
// while the io_context is not running elsewhere. The destructor calls every pending request's
// callback with shutting_down before it returns. See forwarder.hpp for the request contract.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>  // before Asio: needed by Boost 1.74 under C++20, harmless with 1.81

#include <boost/asio/io_context.hpp>

#include "residns/upstream/counters.hpp"
#include "residns/upstream/forwarder.hpp"
#include "residns/upstream/settings.hpp"

namespace residns::upstream {

// Internals that are not user settings; tests shrink them to see rotation and limits happen.
struct cares_tuning {
    // c-ares channels (so UDP source ports) per upstream, used in turn.
    std::uint32_t channels_per_upstream = 3;
    // A channel is retired after this many queries or this age, then replaced by a fresh one.
    std::uint32_t queries_per_channel = 2000;
    std::chrono::milliseconds channel_lifetime{60'000};
    // Coarse timer that lets c-ares notice timeouts while queries are pending.
    std::chrono::milliseconds tick{25};
    // Outstanding upstream queries for one (name, type, class, DO, CD).
    std::uint32_t max_per_name = 4;
    // SO_RCVBUF of c-ares' sockets (the kernel caps it at net.core.rmem_max).
    int receive_buffer_bytes = 1 << 20;
    // 0x20 fallback (case_fallback.hpp): after this many consecutive answers from one upstream
    // that differ from our question only in case, its queries go without random case for
    // case_fallback_duration, then 0x20 is tried again.
    std::uint32_t case_mismatch_threshold = 3;
    std::chrono::milliseconds case_fallback_duration{600'000};
    // Per-upstream counts and latency for the metrics endpoint; may be null. Must outlive the
    // forwarder.
    upstream_metrics* metrics = nullptr;
};

class cares_forwarder final : public forwarder {
public:
    // Throws std::invalid_argument for an upstream address that is not a numeric IPv4/IPv6
    // address or a forward zone that is not a valid name. Opens no socket yet.
    cares_forwarder(boost::asio::io_context& io, const settings& config,
                    const cares_tuning& tuning = {});
    ~cares_forwarder() override;

    cares_forwarder(const cares_forwarder&) = delete;
    cares_forwarder& operator=(const cares_forwarder&) = delete;

    void forward(const forward_request& request, forward_callback done) override;

    forwarder_counters counters() const;

private:
    class impl;
    std::unique_ptr<impl> impl_;
};

std::unique_ptr<cares_forwarder> make_cares_forwarder(boost::asio::io_context& io,
                                                      const settings& config,
                                                      const cares_tuning& tuning = {});

}  // namespace residns::upstream
