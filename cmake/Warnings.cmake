# Compiler warnings and sanitizer flags shared by every target of the project.
add_library(residns_warnings INTERFACE)
target_compile_options(residns_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2
  # Designated initializers that leave members at their defaults are the intended style.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports impossible overlaps in std::string concatenation (GCC bug 105329); clang has
  # no such option (and -Werror would turn its unknown-option warning into an error).
  target_compile_options(residns_warnings INTERFACE -Wno-restrict)
endif()
if(RESIDNS_WERROR)
  target_compile_options(residns_warnings INTERFACE -Werror)
endif()

if(RESIDNS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(RESIDNS_FUZZ)
  # The fuzz targets (fuzz/) link the modules' own libraries, so every library gets libFuzzer's
  # coverage instrumentation (fuzzer-no-link: the callbacks are the sanitizer runtime's no-ops
  # in the test binaries and the daemon) and ASan+UBSan. That needs clang.
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "RESIDNS_FUZZ needs clang++ (cmake --preset fuzz, or --preset asan)")
  endif()
  if(NOT RESIDNS_SANITIZE)
    message(FATAL_ERROR "RESIDNS_FUZZ needs RESIDNS_SANITIZE=ON (the fuzz targets run under ASan+UBSan)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

option(RESIDNS_TSAN "Build with ThreadSanitizer (not together with RESIDNS_SANITIZE)" OFF)
if(RESIDNS_TSAN)
  if(RESIDNS_SANITIZE)
    message(FATAL_ERROR "RESIDNS_TSAN and RESIDNS_SANITIZE cannot be combined (ASan and TSan exclude each other)")
  endif()
  # -Wno-tsan: GCC warns that TSan does not model std::atomic_thread_fence, which Asio uses
  # (upstream, server); with RESIDNS_WERROR that would stop the build. Races that rely on a
  # fence for ordering may be reported falsely there; the cache uses no standalone fence.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()
