// The PID file (--pid-file): created and locked with flock() before the daemon forks (the lock
// belongs to the open file, so the daemonized child inherits it), the daemon's PID written once it
// is known, and the file removed at exit. A second instance with the same file finds it locked
// and refuses to start, naming the PID that holds it; a file left behind by a crash is not locked
// and is simply taken over.
//
// Threading: control thread only.
#pragma once

#include <string>
#include <sys/types.h>

namespace residns::daemon {

class pid_file {
public:
    // Opens (creating it 0644) and locks `path`; throws std::runtime_error saying why not.
    explicit pid_file(std::string path);
    // Removes the file (when this process wrote it) and releases the lock.
    ~pid_file();
    pid_file(const pid_file&) = delete;
    pid_file& operator=(const pid_file&) = delete;

    // Replaces the content with this process's PID; throws std::runtime_error on failure.
    void write_pid();
    // Gives the file to the user the daemon runs as (privilege drop).
    void chown_to(uid_t uid, gid_t gid);
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
    pid_t written_by_ = 0;
};

}  // namespace residns::daemon
