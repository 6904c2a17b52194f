// residns: command line entry point. Validates the configuration, starts the workers and runs
// until SIGTERM/SIGINT.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "logging.hpp"
#include "residns/config/loader.hpp"
#include "residns/upstream/cares_library.hpp"
#include "runtime.hpp"

int main(int argc, char** argv) {
    CLI::App app{"residns: a resident caching DNS resolver", "residns"};
    std::string config_path;
    bool check_only = false;
    app.add_option("-c,--config", config_path, "configuration file (YAML)")->required();
    app.add_flag("--check-config", check_only, "validate the configuration and exit");
    app.set_version_flag("--version", std::string("residns ") + RESIDNS_VERSION);
    CLI11_PARSE(app, argc, argv);

    residns::config::load_result loaded = residns::config::load_file(config_path);
    if (!loaded.config) {
        for (const auto& e : loaded.errors)
            std::fprintf(stderr, "%s\n", e.to_string().c_str());
        return 1;
    }
    if (check_only) {
        for (const auto& w : loaded.warnings)
            std::fprintf(stderr, "warning: %s\n", w.to_string().c_str());
        std::fprintf(stderr, "%s: configuration is valid\n", config_path.c_str());
        return 0;
    }

    residns::daemon::init_logging();
    residns::daemon::set_log_level(loaded.config->log.level);
    for (const auto& w : loaded.warnings)
        spdlog::warn("{}", w.to_string());
    try {
        residns::upstream::cares_library library;
        residns::daemon::runtime daemon(config_path, std::move(*loaded.config));
        daemon.start();
        return daemon.run();
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return 1;
    }
}
