// Numeric addresses with optional ports, as written in `listen`, `upstreams` and forward zones.
#include "residns/config/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>

namespace residns::config {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

parse_result<address_port> fail(std::string message) {
    return {.value = {}, .error = std::move(message)};
}

// Why `host` is not a numeric address, in words that point at the fix.
std::string bad_address(std::string_view host) {
    if (host.empty()) return "the address is empty";
    if (host.find('%') != std::string_view::npos) {
        return quoted(host) + ": scope ids (%...) are not supported; use an address that needs none";
    }
    return quoted(host) + " is not a numeric IPv4 or IPv6 address (host names are not accepted)";
}

}  // namespace

std::optional<std::string> canonical_ip(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string input(text);
    std::array<unsigned char, sizeof(in6_addr)> binary{};
    std::array<char, INET6_ADDRSTRLEN> out{};
    for (const int family : {AF_INET, AF_INET6}) {
        if (inet_pton(family, input.c_str(), binary.data()) == 1 &&
            inet_ntop(family, binary.data(), out.data(), out.size()) != nullptr) {
            return std::string(out.data());
        }
    }
    return std::nullopt;
}

parse_result<address_port> parse_address_port(std::string_view text, std::uint16_t default_port,
                                              std::uint16_t min_port) {
    if (text.empty()) return fail("the address is empty");
    std::string_view host;
    std::optional<std::string_view> port_text;

    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return fail(quoted(text) + ": missing ']' after the IPv6 address");
        }
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return fail(quoted(text) + ": expected ':port' after ']'");
            }
            port_text = rest.substr(1);
        }
        if (host.find(':') == std::string_view::npos) {
            return fail(quoted(text) + ": brackets are only for IPv6 addresses; write " +
                        std::string(host) + (port_text ? ":" + std::string(*port_text) : ""));
        }
    } else if (std::count(text.begin(), text.end(), ':') >= 2) {
        // A bare IPv6 address: its colons cannot also separate a port.
        host = text;
    } else if (const auto colon = text.find(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    } else {
        host = text;
    }

    auto address = canonical_ip(host);
    if (!address) {
        const auto last_colon = host.rfind(':');
        if (!port_text && text.front() != '[' && last_colon != std::string_view::npos &&
            canonical_ip(host.substr(0, last_colon))) {
            return fail(bad_address(host) + "; an IPv6 address with a port is written [" +
                        std::string(host.substr(0, last_colon)) + "]" +
                        std::string(host.substr(last_colon)));
        }
        return fail(bad_address(host));
    }

    std::uint16_t port = default_port;
    if (port_text) {
        if (port_text->empty()) return fail(quoted(text) + ": missing port after ':'");
        const auto parsed = parse_unsigned(*port_text, min_port, 65535);
        if (!parsed) return fail("port of " + quoted(text) + ": " + parsed.error);
        port = static_cast<std::uint16_t>(*parsed);
    }
    return {.value = address_port{.address = std::move(*address), .port = port}, .error = {}};
}

}  // namespace residns::config
