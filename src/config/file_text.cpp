// Internal: whole-file reads with POSIX calls, so that errno gives the reason on failure.
#include "file_text.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace residns::config::detail {
namespace {

class fd_guard {
public:
    explicit fd_guard(int fd) : fd_(fd) {}
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::optional<std::string> read_text_file(const std::string& path, std::string& error,
                                          std::size_t max_bytes) {
    const fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::string text;
    std::array<char, 8192> buffer{};
    while (true) {
        const auto n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            error = std::strerror(errno);
            return std::nullopt;
        }
        text.append(buffer.data(), static_cast<std::size_t>(n));
        if (text.size() > max_bytes) {
            error = "file is larger than " + std::to_string(max_bytes) + " bytes";
            return std::nullopt;
        }
    }
    return text;
}

}  // namespace residns::config::detail
