// Which upstreams are residns's own listen addresses (a forwarding loop), by address value.
#include "residns/config/own_addresses.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <ifaddrs.h>
#include <memory>
#include <netinet/in.h>
#include <optional>

namespace residns::config {
namespace {

// An address as 16 bytes; IPv4 is stored as IPv4-mapped IPv6, so ::ffff:127.0.0.1 == 127.0.0.1.
using ip_bytes = std::array<unsigned char, 16>;

std::optional<ip_bytes> to_bytes(const std::string& text) {
    ip_bytes out{};
    if (inet_pton(AF_INET6, text.c_str(), out.data()) == 1) return out;
    std::array<unsigned char, 4> v4{};
    if (inet_pton(AF_INET, text.c_str(), v4.data()) != 1) return std::nullopt;
    out[10] = 0xff;
    out[11] = 0xff;
    std::copy(v4.begin(), v4.end(), out.begin() + 12);
    return out;
}

bool is_v4(const ip_bytes& ip) {
    return std::all_of(ip.begin(), ip.begin() + 10, [](unsigned char b) { return b == 0; }) &&
           ip[10] == 0xff && ip[11] == 0xff;
}

bool is_unspecified(const ip_bytes& ip) {
    if (is_v4(ip)) return ip[12] == 0 && ip[13] == 0 && ip[14] == 0 && ip[15] == 0;
    return std::all_of(ip.begin(), ip.end(), [](unsigned char b) { return b == 0; });
}

bool is_loopback(const ip_bytes& ip) {
    if (is_v4(ip)) return ip[12] == 127;
    return std::all_of(ip.begin(), ip.begin() + 15, [](unsigned char b) { return b == 0; }) &&
           ip[15] == 1;
}

// Where a datagram to `ip` really goes: Linux sends to loopback when asked to connect to the
// unspecified address.
ip_bytes destination(ip_bytes ip) {
    if (!is_unspecified(ip)) return ip;
    if (is_v4(ip)) {
        ip[12] = 127;
        ip[15] = 1;
    } else {
        ip[15] = 1;
    }
    return ip;
}

struct listen_ip {
    ip_bytes ip;
    std::uint16_t port;
    bool wildcard;
};

bool is_own(const ip_bytes& upstream_ip, std::uint16_t port, const std::vector<listen_ip>& listen,
            const std::vector<ip_bytes>& local) {
    return std::any_of(listen.begin(), listen.end(), [&](const listen_ip& l) {
        if (l.port != port) return false;
        if (!l.wildcard) return l.ip == upstream_ip;
        return is_loopback(upstream_ip) ||
               std::find(local.begin(), local.end(), upstream_ip) != local.end();
    });
}

std::vector<upstream::endpoint> filter(std::vector<upstream::endpoint> upstreams,
                                       const std::vector<server::listen_address>& listen,
                                       const std::vector<std::string>* local_addresses) {
    std::vector<listen_ip> listen_ips;
    for (const auto& l : listen) {
        if (auto ip = to_bytes(l.address)) {
            listen_ips.push_back({.ip = *ip, .port = l.port, .wildcard = is_unspecified(*ip)});
        }
    }
    const bool any_wildcard =
        std::any_of(listen_ips.begin(), listen_ips.end(), [](const auto& l) { return l.wildcard; });

    std::vector<ip_bytes> local;
    if (any_wildcard) {
        const auto texts = local_addresses ? *local_addresses : local_interface_addresses();
        for (const auto& text : texts) {
            if (auto ip = to_bytes(text)) local.push_back(*ip);
        }
    }

    std::erase_if(upstreams, [&](const upstream::endpoint& u) {
        const auto ip = to_bytes(u.address);
        return ip && is_own(destination(*ip), u.port, listen_ips, local);
    });
    return upstreams;
}

}  // namespace

std::vector<upstream::endpoint> without_own_addresses(
    std::vector<upstream::endpoint> upstreams, const std::vector<server::listen_address>& listen) {
    return filter(std::move(upstreams), listen, nullptr);
}

std::vector<upstream::endpoint> without_own_addresses(
    std::vector<upstream::endpoint> upstreams, const std::vector<server::listen_address>& listen,
    const std::vector<std::string>& local_addresses) {
    return filter(std::move(upstreams), listen, &local_addresses);
}

std::vector<std::string> remove_forwarding_loops(upstream::settings& upstreams,
                                                 const std::vector<server::listen_address>& listen,
                                                 const std::vector<std::string>* local_addresses) {
    std::vector<std::string> messages;
    // One getifaddrs for all the lists.
    std::vector<std::string> interfaces;
    if (local_addresses == nullptr) {
        interfaces = local_interface_addresses();
        local_addresses = &interfaces;
    }
    const auto endpoint_text = [](const upstream::endpoint& e) {
        const bool v6 = e.address.find(':') != std::string::npos;
        return (v6 ? "[" + e.address + "]" : e.address) + ":" + std::to_string(e.port);
    };
    const auto check = [&](std::vector<upstream::endpoint>& list, const std::string& where) {
        const auto kept = filter(list, listen, local_addresses);
        if (kept.size() == list.size()) return;
        for (const auto& e : list) {
            if (std::find(kept.begin(), kept.end(), e) != kept.end()) continue;
            messages.push_back(where + ": " + endpoint_text(e) +
                               " is residns itself (one of its listen addresses); it is not "
                               "used, since forwarding to it would loop");
        }
        list = kept;
    };
    check(upstreams.upstreams, "upstreams");
    for (auto& zone : upstreams.forward_zones) {
        check(zone.upstreams, "forward_zones " + zone.zone + " upstreams");
        if (zone.upstreams.empty()) {
            messages.push_back("forward_zones " + zone.zone +
                               ": no upstream is left, so its names get SERVFAIL");
        }
    }
    return messages;
}

std::vector<std::string> local_interface_addresses() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return {};
    const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> guard(list, &freeifaddrs);

    std::vector<std::string> out;
    std::array<char, INET6_ADDRSTRLEN> text{};
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr) continue;
        const char* written = nullptr;
        if (entry->ifa_addr->sa_family == AF_INET) {
            sockaddr_in v4{};
            std::memcpy(&v4, entry->ifa_addr, sizeof(v4));
            written = inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
        } else if (entry->ifa_addr->sa_family == AF_INET6) {
            sockaddr_in6 v6{};
            std::memcpy(&v6, entry->ifa_addr, sizeof(v6));
            written = inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
        }
        if (written != nullptr) out.emplace_back(written);
    }
    return out;
}

}  // namespace residns::config
