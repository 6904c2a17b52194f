# residns_module(NAME DEPS...): one static library per folder under src/, public headers under
# include/residns/NAME. Sources are globbed so that adding a file needs no CMake edit.
function(residns_module name)
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT sources)
    # A module with headers only (or not yet written) is an interface library.
    add_library(residns_${name} INTERFACE)
    target_include_directories(residns_${name} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(residns_${name} INTERFACE ${ARGN})
    return()
  endif()
  add_library(residns_${name} STATIC ${sources})
  target_include_directories(residns_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(residns_${name} PUBLIC ${ARGN} PRIVATE residns_warnings)
endfunction()

# residns_module_tests(NAME DEPS...): one GoogleTest binary per module from tests/NAME/*.cpp.
function(residns_module_tests name)
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${name}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(test_${name} ${sources})
  target_link_libraries(test_${name} PRIVATE residns_${name} ${ARGN} GTest::gtest GTest::gmock
                        GTest::gtest_main residns_warnings)
  gtest_discover_tests(test_${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endfunction()
