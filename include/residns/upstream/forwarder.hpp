// The forwarder interface: the server hands it a question, it finds an answer upstream and
// returns the upstream's packet as bytes. Implementations: the c-ares forwarder (one per worker)
// and scripted forwarders in tests.
//
// Lifetime and threading contract: a forwarder belongs to one worker thread and is only called on
// that thread. `done` is called exactly once, on that thread, never from inside forward() itself,
// and before the forwarder is destroyed (with status shutting_down if it had to give up).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "residns/upstream/settings.hpp"

namespace residns::upstream {

struct forward_request {
    // The question as the client sent it: uncompressed wire-form name (any case), type, class.
    // forward() copies what it needs; the span need not outlive the call.
    std::span<const std::uint8_t> qname;
    std::uint16_t qtype = 1;
    std::uint16_t qclass = 1;
    bool dnssec_ok = false;          // DO bit to ask upstream with
    bool checking_disabled = false;  // CD bit to ask upstream with
};

enum class forward_status : std::uint8_t {
    answered,       // `answer` holds a validated upstream answer (any RCODE but SERVFAIL/REFUSED)
    failed,         // every upstream failed or the time budget ran out: answer SERVFAIL
    overloaded,     // too many upstream queries in flight: answer SERVFAIL, do not retry
    shutting_down,  // the forwarder is being destroyed
};

struct forward_result {
    forward_status status = forward_status::failed;
    // The upstream's answer exactly as received (its ID is ours, its qname has our 0x20 case).
    // Valid only during the callback. Empty unless status == answered.
    std::span<const std::uint8_t> answer;
    // The upstream that answered, or nullptr.
    const endpoint* upstream = nullptr;
};

using forward_callback = std::function<void(const forward_result&)>;

class forwarder {
public:
    virtual ~forwarder() = default;
    virtual void forward(const forward_request& request, forward_callback done) = 0;
};

}  // namespace residns::upstream
