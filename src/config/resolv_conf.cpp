// resolv.conf(5) nameserver lines, read the way glibc reads them, as default upstreams.
#include "residns/config/resolv_conf.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <netinet/in.h>

#include "file_text.hpp"
#include "residns/config/address.hpp"

namespace residns::config {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool is_link_local_ipv6(const std::string& address) {
    std::array<unsigned char, sizeof(in6_addr)> binary{};
    if (inet_pton(AF_INET6, address.c_str(), binary.data()) != 1) return false;
    return binary[0] == 0xfe && (binary[1] & 0xc0) == 0x80;
}

// The endpoint of one `nameserver` argument, or nullopt if residns cannot use it.
std::optional<upstream::endpoint> nameserver_endpoint(std::string_view argument) {
    const auto percent = argument.find('%');
    if (percent == std::string_view::npos) {
        auto address = canonical_ip(argument);
        if (!address) return std::nullopt;
        return upstream::endpoint{.address = std::move(*address), .port = 53};
    }
    // An endpoint has no scope id: a link-local address is unreachable without it.
    auto address = canonical_ip(argument.substr(0, percent));
    if (!address || address->find(':') == std::string::npos || is_link_local_ipv6(*address)) {
        return std::nullopt;
    }
    return upstream::endpoint{.address = std::move(*address), .port = 53};
}

}  // namespace

std::vector<upstream::endpoint> parse_resolv_conf(std::string_view text) {
    constexpr std::string_view keyword = "nameserver";
    std::vector<upstream::endpoint> out;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        auto line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);

        while (!line.empty() && is_blank(line.front()))
            line.remove_prefix(1);
        // Like glibc: the keyword, then blanks, then the address up to the next blank; the rest of
        // the line is ignored. Comments start with '#' or ';' at the start of a line.
        if (!line.starts_with(keyword)) continue;
        line.remove_prefix(keyword.size());
        if (line.empty() || !is_blank(line.front())) continue;
        while (!line.empty() && is_blank(line.front()))
            line.remove_prefix(1);
        const auto end = std::find_if(line.begin(), line.end(), is_blank);
        const auto argument = line.substr(0, static_cast<std::size_t>(end - line.begin()));

        auto endpoint = nameserver_endpoint(argument);
        if (endpoint && std::find(out.begin(), out.end(), *endpoint) == out.end()) {
            out.push_back(std::move(*endpoint));
        }
    }
    return out;
}

std::vector<upstream::endpoint> read_resolv_conf(const std::string& path) {
    std::string error;
    const auto text = detail::read_text_file(path, error);
    if (!text) return {};
    return parse_resolv_conf(*text);
}

}  // namespace residns::config
