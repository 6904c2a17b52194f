// ares_library_init/cleanup as an RAII guard owned by main(), before and after the workers.
#include "residns/upstream/cares_library.hpp"

#include <stdexcept>
#include <string>

#include <ares.h>

namespace residns::upstream {

cares_library::cares_library() {
    int status = ares_library_init(ARES_LIB_INIT_ALL);
    if (status != ARES_SUCCESS) {
        throw std::runtime_error(std::string("c-ares initialisation failed: ") +
                                 ares_strerror(status));
    }
}

cares_library::~cares_library() {
    ares_library_cleanup();
}

std::string cares_library::version() {
    return ares_version(nullptr);
}

}  // namespace residns::upstream
