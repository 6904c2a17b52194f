// Address text for the log (see describe.hpp).
#include "describe.hpp"

namespace residns::daemon {

std::string describe(const server::bound_address& a) {
    std::string address = a.address.to_string();
    if (a.address.is_v6()) address = "[" + address + "]";
    return address + ":" + std::to_string(a.port);
}

std::string describe(const server::inherited_socket& s) {
    return std::string(s.tcp ? "tcp " : "udp ") + describe(s.local) +
           (s.name.empty() ? "" : " (" + s.name + ")");
}

}  // namespace residns::daemon
