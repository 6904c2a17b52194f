// Formatting of config errors the way compilers print them, so editors can jump to the position.
#include "residns/config/config_error.hpp"

namespace residns::config {

std::string config_error::to_string() const {
    if (line <= 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace residns::config
