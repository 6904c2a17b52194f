// The privilege drop (see privileges.hpp). Capabilities through the raw capget/capset system
// calls: no libcap dependency for three calls.
#include "privileges.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace residns::daemon {
namespace {

std::string failure(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

bool as_number(const std::string& text, unsigned long& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

struct capability_sets {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
};

bool get_capabilities(capability_sets& sets) {
    return ::syscall(SYS_capget, &sets.header, sets.data) == 0;
}

// Permitted and effective: CAP_NET_BIND_SERVICE only; inheritable: nothing.
void keep_only_bind_service() {
    capability_sets sets;
    sets.data[0].permitted = sets.data[0].effective = 1u << CAP_NET_BIND_SERVICE;
    if (::syscall(SYS_capset, &sets.header, sets.data) != 0) {
        throw std::runtime_error(failure("cannot keep CAP_NET_BIND_SERVICE (capset)"));
    }
}

}  // namespace

identity resolve_identity(const std::string& user, const std::string& group) {
    identity out;
    out.user = user;
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found_user = nullptr;
    unsigned long number = 0;
    if (as_number(user, number)) {
        ::getpwuid_r(static_cast<uid_t>(number), &pw, buffer.data(), buffer.size(), &found_user);
        out.uid = static_cast<uid_t>(number);
    } else {
        ::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found_user);
    }
    if (found_user == nullptr) {
        if (!as_number(user, number)) throw std::runtime_error("user " + user + ": no such user");
        if (group.empty()) {
            throw std::runtime_error("user " + user + " is not in the user database: set group");
        }
    } else {
        out.uid = pw.pw_uid;
        out.gid = pw.pw_gid;
    }
    if (group.empty()) {
        ::group gr{};
        ::group* primary = nullptr;
        ::getgrgid_r(out.gid, &gr, buffer.data(), buffer.size(), &primary);
        out.group = primary != nullptr ? std::string(gr.gr_name) : std::to_string(out.gid);
        return out;
    }
    out.group = group;
    ::group gr{};
    ::group* found_group = nullptr;
    if (as_number(group, number)) {
        out.gid = static_cast<gid_t>(number);
        return out;
    }
    ::getgrnam_r(group.c_str(), &gr, buffer.data(), buffer.size(), &found_group);
    if (found_group == nullptr) throw std::runtime_error("group " + group + ": no such group");
    out.gid = gr.gr_gid;
    return out;
}

void drop_privileges(const identity& to) {
    if (to.uid == 0) throw std::runtime_error("user " + to.user + " is root: nothing to drop");
    const bool root = ::geteuid() == 0;
    if (!root) {
        if (::getuid() == to.uid && ::getgid() == to.gid) return;  // already that user
        throw std::runtime_error("cannot switch to user " + to.user +
                                 ": residns was not started as root");
    }
    // Keep the permitted set across setuid, to keep CAP_NET_BIND_SERVICE out of it below.
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
        throw std::runtime_error(failure("PR_SET_KEEPCAPS"));
    const gid_t groups[1] = {to.gid};
    if (::setgroups(1, groups) != 0) throw std::runtime_error(failure("setgroups"));
    if (::setresgid(to.gid, to.gid, to.gid) != 0) {
        throw std::runtime_error(failure("setgid " + std::to_string(to.gid)));
    }
    if (::setresuid(to.uid, to.uid, to.uid) != 0) {
        throw std::runtime_error(failure("setuid " + std::to_string(to.uid)));
    }
    keep_only_bind_service();
    ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);

    // Verify: every id is the target, and root cannot be regained.
    uid_t ruid = 0, euid = 0, suid = 0;
    gid_t rgid = 0, egid = 0, sgid = 0;
    ::getresuid(&ruid, &euid, &suid);
    ::getresgid(&rgid, &egid, &sgid);
    if (ruid != to.uid || euid != to.uid || suid != to.uid || rgid != to.gid || egid != to.gid ||
        sgid != to.gid) {
        throw std::runtime_error("the switch to user " + to.user + " did not take effect");
    }
    if (::setuid(0) == 0 || ::seteuid(0) == 0 || ::setgid(0) == 0) {
        throw std::runtime_error("root could be regained after switching to user " + to.user);
    }
}

bool can_bind_privileged_ports() {
    if (::geteuid() == 0) return true;
    capability_sets sets;
    return get_capabilities(sets) && (sets.data[0].effective & (1u << CAP_NET_BIND_SERVICE)) != 0;
}

}  // namespace residns::daemon
