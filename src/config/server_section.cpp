// Internal: the keys that become server::settings (listen addresses, workers, EDNS size, TCP).
#include <algorithm>
#include <array>

#include "residns/config/address.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

constexpr std::uint32_t max_threads = 1024;

void read_idle_timeout(const field& value, reader& r, server::tcp_settings& out) {
    read_duration(value, r, std::chrono::milliseconds{100}, std::chrono::hours{1},
                  out.idle_timeout);
}

void read_tcp_max_in_flight(const field& value, reader& r, server::tcp_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 1, 1024, out.max_in_flight_per_connection);
}

void read_max_connections(const field& value, reader& r, server::tcp_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 1, 1'000'000, out.max_connections);
}

void read_max_connections_per_client(const field& value, reader& r, server::tcp_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 1, 1'000'000, out.max_connections_per_client);
}

constexpr std::array<key_spec<server::tcp_settings>, 4> tcp_keys{{
    {"idle_timeout", read_idle_timeout},
    {"max_in_flight", read_tcp_max_in_flight},
    {"max_connections", read_max_connections},
    {"max_connections_per_client", read_max_connections_per_client},
}};

}  // namespace

void read_listen(const field& value, reader& r, server::settings& out) {
    std::vector<server::listen_address> listen;
    std::vector<YAML::Mark> marks;
    bool all_valid = true;
    const bool is_list =
        walk_list(value, r, false, "[127.0.0.1:53, \"[::1]:53\"]", [&](const field& item) {
            const auto text = read_scalar(item, r, "an address such as 127.0.0.1:53");
            if (!text) {
                all_valid = false;
                return;
            }
            // Port 0 binds any free port: integration tests use it.
            const auto parsed = parse_address_port(*text, 53, 0);
            if (!parsed) {
                all_valid = false;
                return r.error(item, parsed.error);
            }
            const server::listen_address address{.address = parsed.value->address,
                                                 .port = parsed.value->port};
            const auto previous = std::find(listen.begin(), listen.end(), address);
            if (previous != listen.end() && address.port != 0) {
                all_valid = false;
                const auto& first = marks[static_cast<std::size_t>(previous - listen.begin())];
                return r.error(item, cat({quoted(*text), " is listed twice (first at ",
                                          describe(first), ")"}));
            }
            listen.push_back(address);
            marks.push_back(item.mark);
        });
    if (!is_list || !all_valid) return;
    if (listen.empty()) return r.error(value, "needs at least one address to listen on");
    out.listen = std::move(listen);
}

void read_threads(const field& value, reader& r, server::settings& out) {
    read_unsigned<std::uint32_t>(value, r, 0, max_threads, out.threads);
}

void read_edns_buffer_size(const field& value, reader& r, server::settings& out) {
    read_unsigned<std::uint16_t>(value, r, 512, 4096, out.edns_udp_size);
}

void read_tcp(const field& value, reader& r, server::settings& out) {
    read_map(value, r, tcp_keys, out.tcp);
}

}  // namespace residns::config::detail
