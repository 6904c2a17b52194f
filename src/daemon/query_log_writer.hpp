// The query log's writer thread: drains every worker's ring (server/query_log.hpp) and writes
// the lines to a file or to standard error. Workers never wait for it; when it falls behind,
// their rings fill and drop records, which dropped() counts.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "residns/server/query_log.hpp"

namespace residns::daemon {

class query_log_writer {
public:
    // `path` empty: standard error. Throws std::runtime_error if the file cannot be opened.
    query_log_writer(std::vector<server::query_log_ring*> rings, std::string path);
    ~query_log_writer();  // writes what is left, then closes the file
    query_log_writer(const query_log_writer&) = delete;
    query_log_writer& operator=(const query_log_writer&) = delete;

    // Reopens the file (log rotation) or switches to `path`, from the next batch on. The old
    // file stays if the new one cannot be opened; returns the error, or empty.
    std::string reopen(const std::string& path);

    // Records the rings dropped because the writer was behind, over all workers.
    std::uint64_t dropped() const;

private:
    void run(const std::stop_token& stop);
    std::size_t drain();

    std::vector<server::query_log_ring*> rings_;
    std::mutex file_mutex_;  // the writer thread and reopen()
    std::FILE* file_ = nullptr;
    bool owns_file_ = false;
    std::string path_;
    std::jthread thread_;
};

}  // namespace residns::daemon
