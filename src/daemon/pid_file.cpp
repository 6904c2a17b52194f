// The locked PID file (see pid_file.hpp).
#include "pid_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace residns::daemon {
namespace {

std::string error_text(const std::string& path, const char* what) {
    return "PID file " + path + ": " + what + ": " + std::strerror(errno);
}

// The first line of the file, for the message about who holds it.
std::string holder(int fd) {
    std::array<char, 32> text{};
    const ssize_t n = ::pread(fd, text.data(), text.size() - 1, 0);
    if (n <= 0) return "unknown";
    std::string pid(text.data(), static_cast<std::size_t>(n));
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == '\r'))
        pid.pop_back();
    return pid.empty() ? "unknown" : pid;
}

}  // namespace

pid_file::pid_file(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) throw std::runtime_error(error_text(path_, "cannot open"));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        std::string message = error == EWOULDBLOCK
                                  ? "PID file " + path_ +
                                        " is locked by another running residns (pid " +
                                        holder(fd_) + "); stop it first or use another --pid-file"
                                  : error_text(path_, "cannot lock");
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error(message);
    }
}

pid_file::~pid_file() {
    if (fd_ < 0) return;
    // Only the process that wrote its PID removes the file (not a parent that forked it).
    if (written_by_ == ::getpid() && ::unlink(path_.c_str()) != 0) {
        // Left behind, unlocked: the next start takes it over.
        spdlog::warn("PID file {} not removed: {}", path_, std::strerror(errno));
    }
    ::close(fd_);
}

void pid_file::write_pid() {
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0) throw std::runtime_error(error_text(path_, "cannot truncate"));
    if (::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        throw std::runtime_error(error_text(path_, "cannot write"));
    }
    written_by_ = ::getpid();
}

void pid_file::chown_to(uid_t uid, gid_t gid) {
    if (::fchown(fd_, uid, gid) != 0) {
        spdlog::warn("PID file {}: cannot change its owner: {}", path_, std::strerror(errno));
    }
}

}  // namespace residns::daemon
