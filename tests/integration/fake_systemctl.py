"""A stand-in for `systemctl` in a test sandbox (sandbox.py) on a machine without systemd as PID 1.

It runs an installed unit the way systemd would, for the settings residns.service uses: the
unit file from /etc/systemd/system, /usr/lib/systemd/system or /lib/systemd/system; User= and
Group= (setpriv, with the user's supplementary groups); AmbientCapabilities= (inheritable and
ambient); CapabilityBoundingSet=; NoNewPrivileges=; RuntimeDirectory= and RuntimeDirectoryMode= (made under /run, owned
by the user); ExecStart= (Type=notify: `start` returns once the daemon sent READY=1 on
NOTIFY_SOCKET, and fails if it exits or stays silent for 10 s; other types: at once); and
ExecReload= with $MAINPID. The daemon's stdout and stderr go to $FAKE_SYSTEMD_STATE/UNIT.log
(the journal here; default /run/fake-systemd). Unit-file operations (enable, disable, preset,
is-enabled, ...) are the real systemctl's, which does them without systemd running; `--now` then
starts or stops the unit here. Not handled (ignored): the sandboxing settings (ProtectSystem=
...), Restart=, socket units.

    systemctl start | restart | stop | reload | is-active | status UNIT
    systemctl enable --now | disable --now | enable | disable | preset | is-enabled ... UNIT
"""

from __future__ import annotations

import os
import pathlib
import shlex
import signal
import socket
import subprocess
import sys
import time

UNIT_DIRS = ("/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system")
STATE = pathlib.Path(os.environ.get("FAKE_SYSTEMD_STATE", "/run/fake-systemd"))


def unit_name(name: str) -> str:
    return name if "." in name else name + ".service"


def find_unit(name: str) -> pathlib.Path:
    for d in UNIT_DIRS:
        p = pathlib.Path(d) / name
        if p.is_file():
            return p
    sys.exit(f"fake systemctl: Unit {name} not found.")


def parse(path: pathlib.Path) -> dict:
    keys: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;[" or "=" not in line:
            continue
        k, v = line.split("=", 1)
        keys.setdefault(k.strip(), []).append(v.strip())
    return keys


def one(keys: dict, key: str, default: str = "") -> str:
    return keys.get(key, [default])[-1]


def mainpid(name: str) -> int | None:
    try:
        pid = int((STATE / f"{name}.pid").read_text())
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return None
    return None if stat.rsplit(")", 1)[1].split()[0] == "Z" else pid


def start(name: str) -> int:
    if mainpid(name):
        return 0
    keys = parse(find_unit(name))
    STATE.mkdir(parents=True, exist_ok=True)
    user, group = one(keys, "User"), one(keys, "Group")
    argv = shlex.split(one(keys, "ExecStart"))
    if argv and argv[0][:1] in "-@+!":
        argv[0] = argv[0].lstrip("-@+!")
    for d in one(keys, "RuntimeDirectory").split():
        path = pathlib.Path("/run") / d
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(int(one(keys, "RuntimeDirectoryMode", "0755"), 8))
        if user:
            subprocess.run(["chown", f"{user}:{group}" if group else user, str(path)], check=True)
    caps = [c.lower().removeprefix("cap_") for c in one(keys, "AmbientCapabilities").split()]
    bounding = [c.lower().removeprefix("cap_") for c in one(keys, "CapabilityBoundingSet").split()]
    prefix: list[str] = []
    if user or caps or bounding or one(keys, "NoNewPrivileges") == "yes":
        prefix = ["setpriv"]
        if user:
            prefix += [f"--reuid={user}", f"--regid={group or user}", "--init-groups"]
        if caps:
            c = ",".join("+" + x for x in caps)
            prefix += [f"--inh-caps={c}", f"--ambient-caps={c}"]
        if bounding:
            prefix.append("--bounding-set=-all," + ",".join("+" + x for x in bounding))
        if one(keys, "NoNewPrivileges") == "yes":
            prefix.append("--no-new-privs")
    # systemd gives a service a clean environment (the sanitizers' options pass for the tests).
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
    notify = one(keys, "Type", "simple") == "notify"
    sock = None
    if notify:
        # Under /run: the unit's user must reach it (STATE may be in a private directory).
        pathlib.Path("/run/fake-systemd").mkdir(mode=0o755, exist_ok=True)
        sock_path = pathlib.Path("/run/fake-systemd") / f"{name}.notify"
        sock_path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(sock_path))
        sock_path.chmod(0o777)
        env["NOTIFY_SOCKET"] = str(sock_path)
    log = open(STATE / f"{name}.log", "ab")
    proc = subprocess.Popen(prefix + argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            env=env, cwd="/", start_new_session=True)
    (STATE / f"{name}.pid").write_text(str(proc.pid))
    if sock is None:
        return 0
    deadline = time.monotonic() + 10
    sock.settimeout(0.1)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"fake systemctl: {name}: ExecStart exited with {proc.returncode}; log:\n"
                  + (STATE / f"{name}.log").read_text(errors="replace"), file=sys.stderr)
            return 1
        try:
            msg = sock.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        if "READY=1" in msg.split("\n"):
            return 0
    print(f"fake systemctl: {name}: no READY=1 within 10 s", file=sys.stderr)
    return 1


def stop(name: str) -> int:
    pid = mainpid(name)
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if mainpid(name) is None:
                break
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.05)
    (STATE / f"{name}.pid").unlink(missing_ok=True)
    return 0


def real_systemctl(args: list[str]) -> int:
    """Unit-file operations (enable, disable, preset, is-enabled, mask ...) work without systemd
    as PID 1: the real systemctl does them (deb-systemd-helper calls `systemctl preset`)."""
    for path in ("/usr/bin/systemctl", "/bin/systemctl"):
        if os.path.exists(path):
            return subprocess.run([path, *args]).returncode
    sys.exit("fake systemctl: the real systemctl (package systemd) is needed for: " + " ".join(args))


def main(args: list[str]) -> int:
    now = "--now" in args
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return 0
    verb, units = words[0], [unit_name(u) for u in words[1:]]
    if verb in ("start", "restart", "stop", "reload", "is-active", "status"):
        rc = 0
        for name in units:
            if verb == "start":
                rc |= start(name)
            elif verb == "restart":
                stop(name)
                rc |= start(name)
            elif verb == "stop":
                rc |= stop(name)
            elif verb == "reload":
                pid = mainpid(name)
                if pid is None:
                    return 1
                cmd = one(parse(find_unit(name)), "ExecReload").replace("$MAINPID", str(pid))
                rc |= subprocess.run(shlex.split(cmd)).returncode
            elif verb == "is-active":
                active = mainpid(name) is not None
                print("active" if active else "inactive")
                rc |= 0 if active else 3
            else:
                log = STATE / f"{name}.log"
                print(log.read_text(errors="replace") if log.exists() else "")
        return rc
    if verb == "daemon-reload":
        return 0
    rc = real_systemctl([a for a in args if a != "--now"])
    if now and rc == 0 and verb in ("enable", "disable"):
        for name in units:
            rc |= start(name) if verb == "enable" else stop(name)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
