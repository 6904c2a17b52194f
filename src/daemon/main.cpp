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
#include "residns/zone/local_loader.hpp"
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
    // Local data is part of the configuration: a zone that does not load stops the daemon here.
    residns::zone::local_loader local;
    const residns::zone::load_outcome outcome = local.load(loaded.config->local);
    for (const auto& e : outcome.errors)
        std::fprintf(stderr, "%s\n", e.to_string().c_str());
    if (!outcome.errors.empty()) {
        std::fprintf(stderr, "%s: local data does not load\n", config_path.c_str());
        return 1;
    }
    if (check_only) {
        for (const auto& w : loaded.warnings)
            std::fprintf(stderr, "warning: %s\n", w.to_string().c_str());
        for (const auto& w : outcome.warnings)
            std::fprintf(stderr, "warning: %s\n", w.to_string().c_str());
        std::fprintf(stderr, "%s: configuration is valid (%zu zone(s), %zu local record(s))\n",
                     config_path.c_str(), outcome.zones, outcome.records);
        return 0;
    }

    residns::daemon::init_logging();
    residns::daemon::set_log_level(loaded.config->log.level);
    for (const auto& w : loaded.warnings)
        spdlog::warn("{}", w.to_string());
    for (const auto& w : outcome.warnings)
        spdlog::warn("{}", w.to_string());
    if (outcome.data) {
        spdlog::info("local data: {} zone(s), {} record(s)", outcome.zones, outcome.records);
    }
    try {
        residns::upstream::cares_library library;
        residns::daemon::runtime daemon(config_path, std::move(*loaded.config), std::move(local));
        daemon.start();
        return daemon.run();
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return 1;
    }
}
