// The NOTIFY_SOCKET datagram, written directly (see sd_notify.hpp).
#include "sd_notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace residns::daemon {
namespace {

// The sockaddr_un for $NOTIFY_SOCKET as bytes, or empty when the value is not usable.
std::string socket_address(std::string_view name) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name.size() < 2 || name.size() >= sizeof address.sun_path) return {};
    if (name.front() != '/' && name.front() != '@') return {};
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name.front() == '@') address.sun_path[0] = '\0';  // abstract: no terminating NUL counted
    const std::size_t length =
        offsetof(sockaddr_un, sun_path) + name.size() + (name.front() == '/' ? 1 : 0);
    return {reinterpret_cast<const char*>(&address), length};
}

}  // namespace

notifier::notifier() {
    const char* name = std::getenv("NOTIFY_SOCKET");
    if (name == nullptr || *name == '\0') return;
    address_ = socket_address(name);
    if (address_.empty()) {
        spdlog::warn("NOTIFY_SOCKET={} is not a socket path or @abstract name: not notifying",
                     name);
        return;
    }
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) spdlog::warn("NOTIFY_SOCKET: cannot create a socket: {}", std::strerror(errno));
}

notifier::~notifier() {
    if (fd_ >= 0) ::close(fd_);
}

bool notifier::send(std::string_view state) {
    if (fd_ < 0) return false;
    const ssize_t sent = ::sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(address_.data()),
                                  static_cast<socklen_t>(address_.size()));
    if (sent < 0) {
        spdlog::warn("NOTIFY_SOCKET: {}", std::strerror(errno));
        return false;
    }
    return true;
}

void notifier::ready(std::string_view status) {
    std::string state = "READY=1\nSTATUS=";
    state += status;
    state += "\nMAINPID=" + std::to_string(::getpid());
    send(state);
}

void notifier::reloading() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 +
                      static_cast<std::uint64_t>(now.tv_nsec) / 1000;
    send("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=" + std::to_string(usec));
}

void notifier::stopping() {
    send("STOPPING=1\nSTATUS=stopping");
}

}  // namespace residns::daemon
