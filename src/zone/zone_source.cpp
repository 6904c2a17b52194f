// Turning an exception that escaped a reader into a reported error (zone_source.hpp).
#include "residns/zone/zone_source.hpp"

#include <new>

namespace residns::zone {

source_error make_source_error(std::string file, std::size_t line, std::string message) {
    source_error error;
    error.where.file = std::move(file);
    error.where.line = line;
    error.message = std::move(message);
    return error;
}

source_error error_from_exception(const std::exception& e, std::string file,
                                  std::string_view doing) {
    source_error error;
    error.where.file = std::move(file);
    if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
        error.message = "out of memory while " + std::string(doing);
    } else {
        error.message = "internal error while " + std::string(doing) + ": " + e.what();
    }
    return error;
}

}  // namespace residns::zone
