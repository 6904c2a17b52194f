// residns-ctl: the command-line client of the control socket. Sends one command line, prints the
// reply; exits 1 on an error reply and 2 when the daemon cannot be reached.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

int connect_to(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
        std::fprintf(stderr, "residns-ctl: %s: path too long\n", path.c_str());
        return -1;
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        std::fprintf(stderr, "residns-ctl: cannot connect to %s: %s\n", path.c_str(),
                     std::strerror(errno));
        ::close(fd);
        return -1;
    }
    return fd;
}

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"residns-ctl: control a running residns", "residns-ctl"};
    std::string socket_path = "/run/residns/control.sock";
    std::vector<std::string> words;
    app.add_option("-s,--socket", socket_path, "the control socket")->capture_default_str();
    app.add_option("command", words,
                   "stats | reload | flush [NAME] | flush-subtree NAME | dump | "
                   "log-level LEVEL | explain NAME [TYPE]")
        ->required();
    app.allow_extras(false);
    CLI11_PARSE(app, argc, argv);

    std::string line;
    for (const auto& w : words) {
        if (!line.empty()) line += ' ';
        line += w;
    }
    line += '\n';
    const int fd = connect_to(socket_path);
    if (fd < 0) return 2;
    if (!write_all(fd, line)) {
        std::fprintf(stderr, "residns-ctl: cannot send: %s\n", std::strerror(errno));
        ::close(fd);
        return 2;
    }
    ::shutdown(fd, SHUT_WR);
    std::string reply;
    char buffer[65536];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (reply.starts_with("ok\n")) {
        std::fwrite(reply.data() + 3, 1, reply.size() - 3, stdout);
        return 0;
    }
    if (reply.empty()) {
        std::fprintf(stderr, "residns-ctl: no reply\n");
        return 2;
    }
    std::fwrite(reply.data(), 1, reply.size(), stderr);
    return 1;
}
