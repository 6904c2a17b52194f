// fork/setsid/fork and the start-up pipe (see daemonize.hpp).
#include "daemonize.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace residns::daemon {
namespace {

void write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent is gone: nobody to tell
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

// The original process: wait for the report, relay it, exit with it.
[[noreturn]] void wait_for_daemon(int read_fd, pid_t child) {
    std::string report;
    char buffer[512];
    for (;;) {
        const ssize_t n = ::read(read_fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        report.append(buffer, static_cast<std::size_t>(n));
        if (report.size() == 1 && report[0] == 0) break;  // ready: do not wait for EOF
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    int exit_status = 1;
    std::string message = "residns: the daemon exited during start-up without saying why";
    if (!report.empty()) {
        exit_status = static_cast<unsigned char>(report[0]);
        message = report.substr(1);
    }
    if (!message.empty()) std::fprintf(stderr, "%s\n", message.c_str());
    std::fflush(stderr);
    ::_exit(exit_status);
}

void to_dev_null() {
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0) return;
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
}

}  // namespace

startup_report::~startup_report() {
    if (fd_ >= 0) ::close(fd_);
}

startup_report& startup_report::operator=(startup_report&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

void startup_report::ready() {
    if (fd_ < 0) return;
    const char ok = 0;
    write_all(fd_, &ok, 1);
    ::close(fd_);
    fd_ = -1;
}

void startup_report::failed(int status, std::string_view message) {
    if (fd_ < 0) return;
    std::string report(1, static_cast<char>(status < 1 || status > 255 ? 1 : status));
    report += message;
    write_all(fd_, report.data(), report.size());
    ::close(fd_);
    fd_ = -1;
}

startup_report daemonize() {
    std::fflush(nullptr);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("--daemonize: pipe: ") + std::strerror(errno));
    }
    const pid_t child = ::fork();
    if (child < 0) {
        throw std::runtime_error(std::string("--daemonize: fork: ") + std::strerror(errno));
    }
    if (child > 0) {
        ::close(pipe_fds[1]);
        wait_for_daemon(pipe_fds[0], child);
    }
    ::close(pipe_fds[0]);
    startup_report report(pipe_fds[1]);
    if (::setsid() < 0) {
        report.failed(1, std::string("--daemonize: setsid: ") + std::strerror(errno));
        ::_exit(1);
    }
    const pid_t daemon = ::fork();
    if (daemon < 0) {
        report.failed(1, std::string("--daemonize: fork: ") + std::strerror(errno));
        ::_exit(1);
    }
    // The session leader goes; the original process is waiting on the pipe, not on it.
    if (daemon > 0) ::_exit(0);
    if (::chdir("/") != 0) {
        report.failed(1, std::string("--daemonize: chdir /: ") + std::strerror(errno));
        ::_exit(1);
    }
    to_dev_null();
    return report;
}

}  // namespace residns::daemon
