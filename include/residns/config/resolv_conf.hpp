// The system resolver's nameservers (resolv.conf(5)): the default upstreams when the config file
// names none. Only `nameserver` lines matter; everything else is ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "residns/upstream/settings.hpp"

namespace residns::config {

// The nameservers of the file at `path`, port 53, in file order, without duplicates. An unreadable
// file gives an empty list. Lines that glibc would reject are skipped. An IPv6 address with a
// scope id (fe80::1%eth0) is skipped when it is link-local (an endpoint cannot carry the scope)
// and kept without the scope otherwise.
std::vector<upstream::endpoint> read_resolv_conf(const std::string& path);

// The same, from the text of such a file.
std::vector<upstream::endpoint> parse_resolv_conf(std::string_view text);

}  // namespace residns::config
