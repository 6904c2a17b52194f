// residns: command line entry point. Validates the configuration, optionally detaches
// (--daemonize) and takes the PID file, starts the workers and runs until SIGTERM/SIGINT.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "daemonize.hpp"
#include "logging.hpp"
#include "pid_file.hpp"
#include "privileges.hpp"
#include "residns/config/loader.hpp"
#include "residns/upstream/cares_library.hpp"
#include "residns/zone/local_loader.hpp"
#include "runtime.hpp"
#include "socket_activation.hpp"

namespace {

// `user` / `group` of the configuration, looked up (also by --check-config).
std::optional<residns::daemon::identity> run_as(const residns::config::run_as_settings& s) {
    if (s.user.empty() && s.group.empty()) return std::nullopt;
    if (s.user.empty()) throw std::runtime_error("group is set without user: set user too");
    return residns::daemon::resolve_identity(s.user, s.group);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"residns: a resident caching DNS resolver", "residns"};
    std::string config_path;
    std::string pid_path;
    bool check_only = false;
    bool detach = false;
    app.add_option("-c,--config", config_path, "configuration file (YAML)")->required();
    app.add_flag("--check-config", check_only, "validate the configuration and exit");
    app.add_flag("--daemonize", detach,
                 "run in the background (logging to syslog); exit once it serves");
    app.add_option("--pid-file", pid_path, "write the PID to this file, locked, removed at exit");
    app.set_version_flag("--version", std::string("residns ") + RESIDNS_VERSION);
    CLI11_PARSE(app, argc, argv);
    if (detach) {
        // The daemon runs in /: a reload must find the same files.
        config_path = std::filesystem::absolute(config_path).string();
        if (!pid_path.empty()) pid_path = std::filesystem::absolute(pid_path).string();
    }

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
    residns::daemon::startup_options options;
    try {
        options.run_as = run_as(loaded.config->run_as);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", config_path.c_str(), e.what());
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

    // Before the fork: $LISTEN_PID names this process, and the first messages reach stderr.
    std::optional<residns::daemon::pid_file> pid;
    try {
        options.activation = residns::daemon::take_activation_sockets();
        if (!pid_path.empty()) pid.emplace(pid_path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "residns: %s\n", e.what());
        return 1;
    }
    residns::daemon::startup_report report;
    try {
        if (detach) report = residns::daemon::daemonize();
        if (pid) {
            pid->write_pid();
            if (options.run_as) pid->chown_to(options.run_as->uid, options.run_as->gid);
        }
    } catch (const std::exception& e) {
        report.failed(1, std::string("residns: ") + e.what());
        std::fprintf(stderr, "residns: %s\n", e.what());
        return 1;
    }

    residns::daemon::init_logging(detach ? residns::daemon::log_target::syslog
                                         : residns::daemon::log_target::stderr_stream);
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
        residns::daemon::runtime daemon(config_path, std::move(*loaded.config), std::move(local),
                                        std::move(options));
        daemon.start();
        report.ready();
        return daemon.run();
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        report.failed(1, std::string("residns: cannot start: ") + e.what());
        return 1;
    }
}
