// --daemonize: the classic detach for init scripts. fork, setsid, fork again (the daemon is not a
// session leader, so it can never acquire a controlling terminal), chdir /, standard streams to
// /dev/null. The original process waits on a pipe until the daemon reports that it is ready (or
// why it failed) and exits with the daemon's start-up status, so `residns --daemonize && ...`
// means "running and answering".
//
// Call before any thread, io_context or socket exists. Threading: control thread only.
#pragma once

#include <string_view>

namespace residns::daemon {

// The daemon's end of the pipe to the waiting parent. Without --daemonize it does nothing.
class startup_report {
public:
    startup_report() = default;
    explicit startup_report(int fd) : fd_(fd) {}
    ~startup_report();
    startup_report(startup_report&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    startup_report& operator=(startup_report&& other) noexcept;

    // The parent exits 0. Once only; later calls do nothing.
    void ready();
    // The parent prints `message` on its stderr and exits with `status` (1..255).
    void failed(int status, std::string_view message);

private:
    int fd_ = -1;
};

// Returns in the daemon only; the calling process exits with the status the daemon reports.
// Throws std::runtime_error when the first fork or the pipe fails (still in the foreground).
startup_report daemonize();

}  // namespace residns::daemon
