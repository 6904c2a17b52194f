"""Start and stop the real residns binary for the integration tests.

    d = Residns(binary, workdir, config={"upstreams": [up.address]}, ipv6=False)
    d.start()           # writes residns.yaml, runs `residns -c residns.yaml`, waits until it answers
    d.server            # ("127.0.0.1", port) for dnsclient
    d.server6           # ("::1", port) when started with ipv6=True
    d.signal(signal.SIGHUP); d.write_config({...}); d.log_text(); d.stop()

The default config listens on 127.0.0.1:<free port> (and [::1]:<same port> with ipv6=True) with one
thread, short forwarding timeouts and log level debug, metrics on 127.0.0.1:<kernel's port> and
the control socket at <workdir>/control.sock; `config` entries override top-level keys.
`config_text=` writes a raw YAML file instead (listen addresses are then the caller's business:
pass `port=`).
"""

from __future__ import annotations

import os
import pathlib
import select
import signal
import socket
import struct
import subprocess
import time
from typing import Any, Optional

from scripted_upstream import free_port

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

# Forwarding timeouts used unless a test overrides them: short, so the suite stays fast.
DEFAULT_FORWARDING = {"try_timeout": "1s", "total_timeout": "3s", "down_interval": "5s"}


def binary_path() -> pathlib.Path:
    """RESIDNS_BINARY, or build/residns relative to the repo root."""
    env = os.environ.get("RESIDNS_BINARY")
    return pathlib.Path(env) if env else REPO_ROOT / "build" / "residns"


# ----------------------------------------------------------------------------------------------
# A minimal YAML emitter: enough for the config (maps, lists, strings, numbers, booleans).


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_yaml(value: Any, indent: int = 0) -> str:
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict) and v:
                lines.append(f"{pad}{k}:")
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, list) and v and any(isinstance(x, (dict, list)) for x in v):
                lines.append(f"{pad}{k}:")
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, list):
                lines.append(f"{pad}{k}: [" + ", ".join(_scalar(x) for x in v) + "]")
            elif isinstance(v, dict):
                lines.append(f"{pad}{k}: {{}}")
            else:
                lines.append(f"{pad}{k}: {_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 1).split("\n")
                body[0] = pad + "- " + body[0].lstrip()
                lines.extend(body)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(value))
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------


def probe_answered(server: tuple[str, int], timeout: float = 0.1) -> bool:
    """Send a header-only query (QDCOUNT=0: the daemon must answer FORMERR without forwarding)."""
    family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
    ident = int.from_bytes(os.urandom(2), "big")
    wire = struct.pack("!HHHHHH", ident, 0x0100, 0, 0, 0, 0)
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        try:
            s.connect(server)
            s.send(wire)
            ready, _, _ = select.select([s], [], [], timeout)
            return bool(ready) and len(s.recv(65535)) >= 2
        except OSError:
            return False


def tcp_listening(server: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(server, timeout=0.2):
            return True
    except OSError:
        return False


class DaemonError(RuntimeError):
    pass


class Residns:
    def __init__(self, binary: pathlib.Path, workdir: pathlib.Path, *,
                 config: Optional[dict] = None, config_text: Optional[str] = None,
                 ipv6: bool = False, port: Optional[int] = None, extra_args: tuple = ()):
        self.binary = pathlib.Path(binary)
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = self.workdir / "residns.yaml"
        self.log_path = self.workdir / "residns.stderr"
        self.ipv6 = ipv6
        self.port = port
        self.extra_args = tuple(extra_args)
        self._config = config or {}
        self._config_text = config_text
        self.proc: Optional[subprocess.Popen] = None
        self.returncode: Optional[int] = None

    # -- addresses ---------------------------------------------------------------------------
    @property
    def server(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    @property
    def server6(self) -> tuple[str, int]:
        return ("::1", self.port)

    @property
    def listen(self) -> list[str]:
        out = [f"127.0.0.1:{self.port}"]
        if self.ipv6:
            out.append(f"[::1]:{self.port}")
        return out

    # -- config ------------------------------------------------------------------------------
    def config_dict(self, overrides: Optional[dict] = None) -> dict:
        cfg: dict[str, Any] = {
            "listen": self.listen,
            "threads": 1,
            "forwarding": dict(DEFAULT_FORWARDING),
            "log": {"level": "debug"},
            # Parallel daemons must not share the metrics port or the control socket.
            "metrics": {"listen": "127.0.0.1:0"},
            "control": {"socket": str(self.workdir / "control.sock")},
        }
        for k, v in (overrides if overrides is not None else self._config).items():
            if k == "forwarding" and isinstance(v, dict):
                cfg["forwarding"].update(v)
            elif v is None:
                cfg.pop(k, None)
            else:
                cfg[k] = v
        return cfg

    def write_config(self, config: Optional[dict] = None, text: Optional[str] = None) -> str:
        """Write the config file (a dict merged over the defaults, or raw text); returns the text."""
        if text is None:
            text = to_yaml(self.config_dict(config)) + "\n"
        self.config_path.write_text(text)
        return text

    # -- life cycle --------------------------------------------------------------------------
    def start(self, timeout: float = 5.0) -> "Residns":
        if not self.binary.exists():
            raise DaemonError(f"residns binary not found at {self.binary} (set RESIDNS_BINARY)")
        if self.port is None:
            self.port = free_port(["127.0.0.1", "::1"] if self.ipv6 else ["127.0.0.1"])
        self.write_config(text=self._config_text)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(self.binary), "-c", str(self.config_path), *self.extra_args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.returncode = self.proc.returncode
                raise DaemonError(f"residns exited with {self.proc.returncode} before answering;"
                                  f" stderr:\n{self.log_text()}")
            if probe_answered(self.server):
                return self
            time.sleep(0.02)
        tcp = tcp_listening(self.server)
        self.stop()
        raise DaemonError(
            f"residns did not answer a header-only UDP query (expected FORMERR) on {self.server}"
            f" within {timeout}s (TCP {'is' if tcp else 'is not'} listening); stderr:\n"
            f"{self.log_text()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> Optional[int]:
        """Wait for exit; the exit code, or None if still running after `timeout`."""
        assert self.proc is not None
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def stop(self, timeout: float = 5.0) -> Optional[int]:
        """SIGTERM, then SIGKILL after `timeout`; the exit code (negative: killed by a signal)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        return self.returncode

    # -- logs --------------------------------------------------------------------------------
    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")


def run_residns(*args: str, timeout: float = 10.0) -> subprocess.CompletedProcess:
    """Run the binary with arguments (for --check-config, --version, --help); captures output."""
    return subprocess.run([str(binary_path()), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
