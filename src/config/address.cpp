// Numeric addresses with optional ports, as written in `listen`, `upstreams` and forward zones.
#include "residns/config/address.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <netinet/in.h>

#include "text.hpp"

namespace residns::config {
namespace {

using detail::cat;
using detail::quoted;

parse_result<address_port> fail(std::string message) {
    return {.value = {}, .error = std::move(message)};
}

// Why `host` is not a numeric address, in words that point at the fix.
std::string bad_address(std::string_view host) {
    if (host.empty()) return "the address is empty";
    if (host.find('%') != std::string_view::npos) {
        return cat(
            {quoted(host), ": scope ids (%...) are not supported; use an address that needs none"});
    }
    return cat(
        {quoted(host), " is not a numeric IPv4 or IPv6 address (host names are not accepted)"});
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
            return fail(cat({quoted(text), ": missing ']' after the IPv6 address"}));
        }
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return fail(cat({quoted(text), ": expected ':port' after ']'"}));
            }
            port_text = rest.substr(1);
        }
        if (host.find(':') == std::string_view::npos) {
            return fail(cat({quoted(text), ": brackets are only for IPv6 addresses; write ", host,
                             port_text ? ":" : "", port_text.value_or("")}));
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const auto colon = text.find(':');
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    } else {
        // No colon, or a bare IPv6 address whose colons cannot also separate a port.
        host = text;
    }

    auto address = canonical_ip(host);
    if (!address) {
        // "::ffff:192.0.2.1:53": an IPv6 address followed by what was meant as a port.
        const auto last_colon = host.rfind(':');
        if (!port_text && text.front() != '[' && last_colon != std::string_view::npos &&
            canonical_ip(host.substr(0, last_colon))) {
            return fail(cat({bad_address(host), "; an IPv6 address with a port is written [",
                             host.substr(0, last_colon), "]", host.substr(last_colon)}));
        }
        return fail(bad_address(host));
    }

    std::uint16_t port = default_port;
    if (port_text) {
        if (port_text->empty()) return fail(cat({quoted(text), ": missing port after ':'"}));
        const auto parsed = parse_unsigned(*port_text, min_port, 65535);
        if (!parsed) return fail(cat({"port of ", quoted(text), ": ", parsed.error}));
        port = static_cast<std::uint16_t>(*parsed);
    }
    return {.value = address_port{.address = std::move(*address), .port = port}, .error = {}};
}

}  // namespace residns::config
