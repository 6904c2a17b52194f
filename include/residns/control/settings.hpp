// Settings of the control module: the metrics/health HTTP endpoint and the control socket. Plain
// values with defaults, filled by the config loader (metrics:, control:) or by tests.
#pragma once

#include <cstdint>
#include <string>

namespace residns::control {

struct metrics_settings {
    bool enabled = true;
    // Numeric address and port of the HTTP endpoint (GET /metrics, /health, /ready); port 0 picks
    // a free port (tests).
    std::string address = "127.0.0.1";
    std::uint16_t port = 9153;

    friend bool operator==(const metrics_settings&, const metrics_settings&) = default;
};

struct control_settings {
    bool enabled = true;
    // The Unix socket residns-ctl talks to; its directory is created if missing, the socket is
    // owner-only (0600).
    std::string socket = "/run/residns/control.sock";

    friend bool operator==(const control_settings&, const control_settings&) = default;
};

}  // namespace residns::control
