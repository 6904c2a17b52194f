// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram per state change
// to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract name starting with '@').
// Without $NOTIFY_SOCKET every call does nothing, so the daemon calls it unconditionally.
//
// The socket is opened once, at construction, so that a later privilege drop does not matter.
// Threading: control thread only.
#pragma once

#include <string>
#include <string_view>

namespace residns::daemon {

class notifier {
public:
    // Reads $NOTIFY_SOCKET (a malformed value is logged once and ignored).
    notifier();
    ~notifier();
    notifier(const notifier&) = delete;
    notifier& operator=(const notifier&) = delete;

    bool enabled() const { return fd_ >= 0; }

    // READY=1 with a STATUS= line (start-up done, or a reload done).
    void ready(std::string_view status);
    // RELOADING=1 with MONOTONIC_USEC= (the clock systemd compares with).
    void reloading();
    void stopping();
    // Any assignment list ("STATUS=...\n..."); false when it could not be sent.
    bool send(std::string_view state);

private:
    int fd_ = -1;
    std::string address_;  // sockaddr_un bytes, length included
};

}  // namespace residns::daemon
