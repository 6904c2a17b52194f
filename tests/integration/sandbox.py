"""A throw-away copy of this machine for tests that install residns the way a user would.

    result = sandbox.run(script, workdir, addresses=["192.168.1.1/24"], overlays=("/etc", "/usr"))

runs the bash `script` as root in private mount, network and PID namespaces (`unshare`):
- /etc (and the other `overlays`) are overlay mounts whose writes land in a tmpfs: `adduser`,
  `dpkg -i`, `cmake --install`, `tee /etc/resolv.conf` act for real and vanish with the sandbox;
- /run is an empty tmpfs, the network has only `lo` (up) with the given extra addresses, so a
  server on 192.168.1.1:53 or 9.9.9.9:53 is local and nothing leaves the machine;
- PATH starts with shims: `sudo` (runs its arguments: we are root already) and `systemctl`
  (fake_systemctl.py: starts a unit's ExecStart as systemd would, see there; the daemons'
  output lands in WORKDIR/systemd/UNIT.log).
When the script ends, every process in the sandbox ends with it.

`available()` says why a sandbox cannot be made here (not root, no unshare or overlayfs), or "".
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

HERE = pathlib.Path(__file__).resolve().parent


def available() -> str:
    if os.geteuid() != 0:
        return "needs root (mount and network namespaces, overlay mounts)"
    for tool in ("unshare", "ip", "setpriv", "mount"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if "overlay" not in pathlib.Path("/proc/filesystems").read_text():
        return "needs overlayfs"
    return ""


def _shims(workdir: pathlib.Path) -> pathlib.Path:
    shims = workdir / "shims"
    shims.mkdir(parents=True, exist_ok=True)
    (shims / "sudo").write_text('#!/bin/sh\n# We are root in the sandbox already.\nexec "$@"\n')
    (shims / "systemctl").write_text(
        f'#!/bin/sh\nexec /usr/bin/python3 {HERE / "fake_systemctl.py"} "$@"\n')
    for f in shims.iterdir():
        f.chmod(0o755)
    return shims


def run(script: str, workdir: pathlib.Path, *, addresses=(), overlays=("/etc",),
        cwd: pathlib.Path | None = None, env: dict | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    shims = _shims(workdir)
    # The overlays' upper layers live in a tmpfs of the sandbox (an upper layer cannot be on
    # overlayfs, which / may be in a container), and vanish with it.
    layers = workdir / "layers"
    layers.mkdir(exist_ok=True)
    lines = ["set -euo pipefail", "mount --make-rprivate /", f"mount -t tmpfs tmpfs {layers}"]
    for i, d in enumerate(overlays):
        upper, work = layers / f"{i}" / "upper", layers / f"{i}" / "work"
        lines += [f"mkdir -p {upper} {work}",
                  f"mount -t overlay overlay -o lowerdir={d},upperdir={upper},workdir={work} {d}"]
    lines += ["mount -t tmpfs -o mode=0755 tmpfs /run", "ip link set lo up"]
    for a in addresses:
        lines.append(f"ip addr add {a} dev lo" + (" nodad" if ":" in a else ""))
    lines += [f"export PATH={shims}:$PATH", f"cd {cwd or workdir}", "set +euo pipefail",
              f"exec bash -e {workdir / 'script.sh'}"]
    (workdir / "script.sh").write_text(script)
    (workdir / "sandbox.sh").write_text("\n".join(lines) + "\n")
    env = dict(os.environ, FAKE_SYSTEMD_STATE=str(workdir / "systemd"), **(env or {}))
    return subprocess.run(
        ["unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc",
         "bash", str(workdir / "sandbox.sh")],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        env=env)
