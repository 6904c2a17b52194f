// $LISTEN_PID / $LISTEN_FDS / $LISTEN_FDNAMES (see socket_activation.hpp).
#include "socket_activation.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdexcept>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

namespace residns::daemon {
namespace {

constexpr int first_fd = 3;  // SD_LISTEN_FDS_START
constexpr long max_fds = 1024;

bool parse_number(const char* text, long& out) {
    if (text == nullptr) return false;
    const std::string_view view(text);
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), out);
    return error == std::errc{} && end == view.data() + view.size();
}

int socket_option(int fd, int option) {
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0) return -1;
    return value;
}

server::inherited_socket inspect(int fd, std::string name) {
    const std::string where = "LISTEN_FDS: fd " + std::to_string(fd);
    const int type = socket_option(fd, SO_TYPE);
    if (type < 0) throw std::runtime_error(where + " is not a socket: " + std::strerror(errno));
    const int domain = socket_option(fd, SO_DOMAIN);
    if (domain != AF_INET && domain != AF_INET6) {
        throw std::runtime_error(where + " is not an IPv4 or IPv6 socket");
    }
    if (type != SOCK_DGRAM && type != SOCK_STREAM) {
        throw std::runtime_error(where + " is neither a datagram (UDP) nor a stream (TCP) socket");
    }
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error(where + ": getsockname: " + std::strerror(errno));
    }
    server::inherited_socket s;
    s.fd = fd;
    s.tcp = type == SOCK_STREAM;
    s.name = std::move(name);
    if (domain == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, &address, sizeof in);
        s.local = {boost::asio::ip::address_v4(ntohl(in.sin_addr.s_addr)), ntohs(in.sin_port)};
    } else {
        sockaddr_in6 in6{};
        std::memcpy(&in6, &address, sizeof in6);
        boost::asio::ip::address_v6::bytes_type bytes{};
        std::memcpy(bytes.data(), in6.sin6_addr.s6_addr, bytes.size());
        s.local = {boost::asio::ip::address_v6(bytes, in6.sin6_scope_id), ntohs(in6.sin6_port)};
    }
    // systemd passes listening stream sockets (Accept=no); a wrapper might not have listened.
    if (s.tcp && socket_option(fd, SO_ACCEPTCONN) == 0 && ::listen(fd, SOMAXCONN) != 0) {
        throw std::runtime_error(where + ": listen: " + std::strerror(errno));
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return s;
}

// $LISTEN_FDNAMES: colon-separated, optional; missing names are empty.
std::vector<std::string> names(long count) {
    std::vector<std::string> out(static_cast<std::size_t>(count));
    const char* text = std::getenv("LISTEN_FDNAMES");
    if (text == nullptr) return out;
    std::string_view rest(text);
    for (auto& name : out) {
        const auto colon = rest.find(':');
        name = std::string(rest.substr(0, colon));
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return out;
}

}  // namespace

std::vector<server::inherited_socket> take_activation_sockets() {
    long pid = 0;
    long count = 0;
    const bool ours =
        parse_number(std::getenv("LISTEN_PID"), pid) && pid == static_cast<long>(::getpid());
    const bool counted = parse_number(std::getenv("LISTEN_FDS"), count);
    const auto fd_names = ours && counted && count > 0 && count <= max_fds
                              ? names(count)
                              : std::vector<std::string>{};
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    if (!ours || !counted || count <= 0) return {};
    if (count > max_fds)
        throw std::runtime_error("LISTEN_FDS=" + std::to_string(count) + ": too many");
    std::vector<server::inherited_socket> sockets;
    for (long i = 0; i < count; ++i) {
        sockets.push_back(
            inspect(first_fd + static_cast<int>(i), fd_names[static_cast<std::size_t>(i)]));
    }
    return sockets;
}

}  // namespace residns::daemon
