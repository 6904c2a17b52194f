// Internal: the keys that become control::metrics_settings and control::control_settings (the
// metrics/health HTTP endpoint and the control socket of residns-ctl).
#include <array>

#include "residns/config/address.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

void read_metrics_listen(const field& value, reader& r, control::metrics_settings& out) {
    const auto text = read_scalar(value, r, "an address and port such as 127.0.0.1:9153");
    if (!text) return;
    // Port 0 is allowed: the kernel picks one (tests).
    const auto parsed = parse_address_port(*text, out.port, 0);
    if (!parsed) return r.error(value, parsed.error);
    out.address = parsed.value->address;
    out.port = parsed.value->port;
}

void read_metrics_enabled(const field& value, reader& r, control::metrics_settings& out) {
    read_bool(value, r, out.enabled);
}

void read_control_socket(const field& value, reader& r, control::control_settings& out) {
    const auto text = read_scalar(value, r, "a socket path such as /run/residns/control.sock");
    if (!text) return;
    if (text->empty()) return r.error(value, "the path is empty");
    // sockaddr_un::sun_path holds 107 characters and a NUL.
    if (text->size() > 107) return r.error(value, "a Unix socket path has at most 107 characters");
    out.socket = *text;
}

void read_control_enabled(const field& value, reader& r, control::control_settings& out) {
    read_bool(value, r, out.enabled);
}

constexpr std::array<key_spec<control::metrics_settings>, 2> metrics_keys{{
    {"listen", read_metrics_listen},
    {"enabled", read_metrics_enabled},
}};

constexpr std::array<key_spec<control::control_settings>, 2> control_keys{{
    {"socket", read_control_socket},
    {"enabled", read_control_enabled},
}};

}  // namespace

void read_metrics(const field& value, reader& r, control::metrics_settings& out) {
    read_map(value, r, metrics_keys, out);
}

void read_control(const field& value, reader& r, control::control_settings& out) {
    read_map(value, r, control_keys, out);
}

}  // namespace residns::config::detail
