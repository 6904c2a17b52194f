"""docker/compose.yaml and docker/Dockerfile, checked without a Docker engine (there is none here).

1. The compose file's structure (and `docker-compose config` on it, when installed): a residns service built from docker/Dockerfile with a
   healthcheck, a client that depends on it being healthy, uses it as its resolver and resolves
   names that the mounted zone holds; every file it mounts or names exists.
2. Its residns service and client acted out in a sandbox (sandbox.py) the way Docker would run
   them: the mounted directory at /etc/residns (read-only), the service's command as the image's
   non-root user with the service's sysctl (net.ipv4.ip_unprivileged_port_start is per network
   namespace), on the service's address; the healthcheck command until it passes
   (condition: service_healthy); then the client's command with `nameserver <dns>` in its
   /etc/resolv.conf, as `dns:` makes Docker write it.
docker/test-image.sh builds and runs the real image (buildah); it is not part of this suite.
"""

from __future__ import annotations

import ipaddress
import pathlib
import re
import shlex
import shutil
import subprocess

import pytest
import yaml

import sandbox
from residns_daemon import REPO_ROOT, binary_path

DOCKER = REPO_ROOT / "docker"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def dockerfile_runtime_stage() -> str:
    """The last stage of docker/Dockerfile, continuation lines joined."""
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    return re.split(r"^FROM ", text, flags=re.M)[-1]


def mounted(service: dict, target: str) -> pathlib.Path:
    for v in service.get("volumes", []):
        src, dst, *_ = v.split(":")
        if dst == target:
            return (DOCKER / src).resolve()
    raise AssertionError(f"nothing is mounted at {target}")


@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="needs docker-compose (Debian 12: apt-get install docker-compose)")
def test_docker_compose_accepts_the_file():
    """`docker-compose config` checks the file against the Compose schema; it needs no engine."""
    result = subprocess.run(["docker-compose", "-f", str(DOCKER / "compose.yaml"), "config", "-q"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_residns_service_is_built_from_the_dockerfile_and_has_a_healthcheck(compose):
    svc = compose["services"]["residns"]
    assert (DOCKER / svc["build"]["context"] / svc["build"]["dockerfile"]).resolve() == \
        DOCKER / "Dockerfile"
    test = svc["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "residns-ctl", test
    # The same command as the image's own HEALTHCHECK.
    stage = dockerfile_runtime_stage()
    m = re.search(r"^HEALTHCHECK .*CMD (\[.*\])", stage, re.M)
    assert m is not None, "the runtime stage has no HEALTHCHECK CMD"
    assert yaml.safe_load(m.group(1)) == test[1:]


def test_the_client_waits_for_a_healthy_residns_and_uses_it_as_resolver(compose):
    svc, client = compose["services"]["residns"], compose["services"]["client"]
    assert client["depends_on"]["residns"]["condition"] == "service_healthy"
    [(net, cfg)] = svc["networks"].items()
    assert net in client["networks"]
    address = ipaddress.ip_address(cfg["ipv4_address"])
    subnet = ipaddress.ip_network(compose["networks"][net]["ipam"]["config"][0]["subnet"])
    assert address in subnet
    assert client["dns"] == [str(address)]


def test_the_mounted_configuration_and_zone_exist_and_hold_the_names_the_client_asks(compose):
    svc, client = compose["services"]["residns"], compose["services"]["client"]
    etc = mounted(svc, "/etc/residns")
    assert etc.is_dir(), etc
    config_path = svc["command"][svc["command"].index("-c") + 1]
    config_file = etc / pathlib.Path(config_path).relative_to("/etc/residns")
    config = yaml.safe_load(config_file.read_text())
    assert [a.rsplit(":", 1)[1] for a in config["listen"]] == ["53", "53"]
    zone_names = set()
    for z in config["zones"]:
        zone = etc / z["file"]
        assert zone.is_file(), zone
        for line in zone.read_text().splitlines():
            m = re.match(r"^([a-z0-9_.-]+)\s+(?:\d+\s+)?IN\s", line)
            if m and m.group(1) != "@":
                zone_names.add(f"{m.group(1)}.{z['origin']}")
    asked = re.findall(r"getent \w+ ([a-z0-9.-]+)", " ".join(client["command"]))
    assert asked and set(asked) <= zone_names, (asked, zone_names)


@pytest.mark.skipif(bool(sandbox.available()), reason=sandbox.available() or "ok")
def test_compose_acted_out_the_client_resolves_through_a_healthy_residns(compose, tmp_path):
    svc, client = compose["services"]["residns"], compose["services"]["client"]
    address = svc["networks"]["test"]["ipv4_address"]
    ctl = binary_path().resolve().parent / "residns-ctl"
    if not ctl.exists():
        pytest.skip(f"{ctl} not built")
    sysctls = "\n".join(f"sysctl -qw {k}={v}" for k, v in svc.get("sysctls", {}).items())
    health = " ".join(shlex.quote(a) for a in svc["healthcheck"]["test"][1:])
    daemon = " ".join(shlex.quote(a) for a in svc["command"])
    script = f"""
# The image: its user and its run directory (docker/Dockerfile).
groupadd --system residns
useradd --system --gid residns --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin residns
install -d -o residns -g residns -m 0750 /run/residns
install -m 0755 {binary_path().resolve()} /usr/sbin/residns
install -m 0755 {ctl} /usr/bin/residns-ctl
# The service: its volume, its sysctl, its command as the image's user.
mkdir -p /etc/residns
mount --bind -o ro {mounted(svc, '/etc/residns')} /etc/residns
{sysctls}
as_image_user() {{ setpriv --reuid=residns --regid=residns --init-groups "$@"; }}
as_image_user /usr/sbin/residns {daemon} 2>{tmp_path}/residns.log &
# condition: service_healthy
healthy=
for i in $(seq 50); do
  if as_image_user {health} >/dev/null 2>&1; then healthy=1; break; fi
  sleep 0.1
done
[ -n "$healthy" ] || {{ echo "never healthy"; exit 1; }}
echo "== client"
# dns: [{address}]
echo 'nameserver {address}' > /etc/resolv.conf
{" ".join(shlex.quote(a) for a in client["command"])}
"""
    result = sandbox.run(script, tmp_path / "sb", overlays=("/etc", "/usr"),
                         addresses=[f"{address}/24"])
    log = (tmp_path / "residns.log").read_text(errors="replace") \
        if (tmp_path / "residns.log").exists() else ""
    why = f"exit {result.returncode}\n{result.stdout}\n{result.stderr}\n--- residns\n{log}"
    assert result.returncode == 0, why
    out = result.stdout.split("== client\n", 1)[1]
    assert re.search(r"^10\.53\.0\.10\s+STREAM\s+api\.test\.internal$", out, re.M), why
    assert re.search(r"^(10\.53\.0\.10|fd00:53::10)\s+api\.test\.internal\s+www\.test\.internal$",
                     out, re.M), why


def test_readme_recipe3_names_files_that_exist():
    """Recipe 3 of README.md (Docker) cannot run here; at least every file it names must exist."""
    text = (REPO_ROOT / "README.md").read_text()
    recipe = text.split("## Recipe 3", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\bdocker/[\w./-]*\w", recipe))
    assert {"docker/Dockerfile", "docker/compose.yaml", "docker/test-zone"} <= named, named
    for path in named:
        assert (REPO_ROOT / path).exists(), path
