// The query log's writer thread (query_log_writer.hpp).
#include "query_log_writer.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace residns::daemon {
namespace {

std::FILE* open_log(const std::string& path, std::string& error) {
    std::FILE* f = std::fopen(path.c_str(), "ae");
    if (f == nullptr) error = path + ": " + std::strerror(errno);
    return f;
}

}  // namespace

query_log_writer::query_log_writer(std::vector<server::query_log_ring*> rings, std::string path)
    : rings_(std::move(rings)), path_(std::move(path)) {
    if (path_.empty()) {
        file_ = stderr;
    } else {
        std::string error;
        file_ = open_log(path_, error);
        if (file_ == nullptr) throw std::runtime_error("log.query_file " + error);
        owns_file_ = true;
    }
    thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

query_log_writer::~query_log_writer() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    drain();
    if (owns_file_) std::fclose(file_);
}

std::string query_log_writer::reopen(const std::string& path) {
    if (path.empty()) {
        const std::lock_guard lock(file_mutex_);
        if (owns_file_) std::fclose(file_);
        file_ = stderr;
        owns_file_ = false;
        path_.clear();
        return {};
    }
    std::string error;
    std::FILE* fresh = open_log(path, error);
    if (fresh == nullptr) return error;
    const std::lock_guard lock(file_mutex_);
    if (owns_file_) std::fclose(file_);
    file_ = fresh;
    owns_file_ = true;
    path_ = path;
    return {};
}

std::uint64_t query_log_writer::dropped() const {
    std::uint64_t total = 0;
    for (const auto* ring : rings_)
        total += ring->dropped();
    return total;
}

std::size_t query_log_writer::drain() {
    std::size_t written = 0;
    const std::lock_guard lock(file_mutex_);
    for (auto* ring : rings_) {
        while (const server::query_log_record* r = ring->front()) {
            std::string line = server::format_query_log_line(*r);
            ring->pop();
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), file_);
            ++written;
        }
    }
    if (written != 0) std::fflush(file_);
    return written;
}

void query_log_writer::run(const std::stop_token& stop) {
    // Polls: a worker must not make a system call to wake the writer. 20 ms keeps a ring of a few
    // thousand records from filling below ~100,000 logged queries per second per worker.
    while (!stop.stop_requested()) {
        if (drain() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace residns::daemon
