// One problem found in a configuration file, with the position a person needs to fix it.
#pragma once

#include <string>

namespace residns::config {

struct config_error {
    std::string file;
    int line = 0;    // 1-based; 0 when the problem concerns the whole file (e.g. it cannot be read)
    int column = 0;  // 1-based; 0 when line is 0
    std::string message;

    // "FILE:LINE:COL: message", or "FILE: message" when there is no position.
    std::string to_string() const;

    friend bool operator==(const config_error&, const config_error&) = default;
};

}  // namespace residns::config
