// The config module's whole public interface, for the daemon: YAML file -> daemon_config.
#pragma once

#include "residns/config/address.hpp"        // IWYU pragma: export
#include "residns/config/config_error.hpp"   // IWYU pragma: export
#include "residns/config/daemon_config.hpp"  // IWYU pragma: export
#include "residns/config/loader.hpp"         // IWYU pragma: export
#include "residns/config/own_addresses.hpp"  // IWYU pragma: export
#include "residns/config/resolv_conf.hpp"    // IWYU pragma: export
#include "residns/config/values.hpp"         // IWYU pragma: export
#include "residns/config/zone_name.hpp"      // IWYU pragma: export
