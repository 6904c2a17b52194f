"""Command line and config validation: --check-config reports FILE:LINE:COL: message on stderr."""

import re

import pytest

from residns_daemon import DaemonError, Residns, run_residns

pytestmark = pytest.mark.usefixtures("residns_binary")

VALID = """\
listen: ["127.0.0.1:5353"]
threads: 1
edns_buffer_size: 1232
upstreams: ["127.0.0.1:5300"]
forwarding: {try_timeout: 1s, total_timeout: 3s}
log: {level: info}
"""


def check(tmp_path, text):
    path = tmp_path / "residns.yaml"
    path.write_text(text)
    return path, run_residns("--check-config", "-c", str(path))


def error_lines(path, stderr):
    return re.findall(rf"^{re.escape(str(path))}:\d+:\d+: .*$", stderr, re.M)


def test_valid_config_passes_check(tmp_path):
    path, p = check(tmp_path, VALID)

    assert p.returncode == 0, p.stderr
    assert not error_lines(path, p.stderr)


def test_check_config_accepts_long_option_and_full_example(tmp_path):
    path = tmp_path / "full.yaml"
    path.write_text("""\
listen: ["127.0.0.1:5353", "[::1]:5353"]
threads: 0
edns_buffer_size: 1232
tcp: {idle_timeout: 10s, max_in_flight: 32, max_connections: 1024}
upstreams: ["127.0.0.1:5300", "[::1]:5301"]
forward_zones:
  - zone: corp.example
    upstreams: ["127.0.0.1:5400"]
forwarding: {try_timeout: 1s, total_timeout: 3s, down_interval: 5s, max_in_flight: 4096, edns_buffer_size: 1232}
resolv_conf: /etc/resolv.conf
log: {level: info}
""")
    p = run_residns("--config", str(path), "--check-config")

    assert p.returncode == 0, p.stderr


def test_unknown_key_is_reported_with_its_line(tmp_path):
    text = VALID.splitlines()
    text.insert(2, "bogus_key: 1")  # line 3
    path, p = check(tmp_path, "\n".join(text) + "\n")

    assert p.returncode != 0
    assert re.search(rf"^{re.escape(str(path))}:3:\d+: .+", p.stderr, re.M), p.stderr


@pytest.mark.parametrize("line,bad", [
    (2, "threads: many"),                     # wrong type
    (3, "edns_buffer_size: 100000"),          # out of range
    (5, "forwarding: {try_timeout: soon, total_timeout: 3s}"),  # not a duration
    (4, "upstreams: [\"127.0.0.1:99999\"]"),  # port out of range
    (1, "listen: [\"not-an-address\"]"),      # not addr:port
])
def test_invalid_value_is_reported_with_its_line(tmp_path, line, bad):
    text = VALID.splitlines()
    text[line - 1] = bad
    path, p = check(tmp_path, "\n".join(text) + "\n")

    assert p.returncode != 0, f"{bad!r} was accepted"
    assert re.search(rf"^{re.escape(str(path))}:{line}:\d+: .+", p.stderr, re.M), p.stderr


def test_duplicate_key_is_reported_at_the_duplicate(tmp_path):
    path, p = check(tmp_path, VALID + "threads: 2\n")  # line 7 repeats line 2

    assert p.returncode != 0
    assert re.search(rf"^{re.escape(str(path))}:7:\d+: .+", p.stderr, re.M), p.stderr


def test_unknown_key_in_nested_map_is_reported_with_its_line(tmp_path):
    path, p = check(tmp_path, VALID + "tcp:\n  idle_timeout: 10s\n  bogus: 1\n")  # line 9

    assert p.returncode != 0
    assert re.search(rf"^{re.escape(str(path))}:9:\d+: .+", p.stderr, re.M), p.stderr


def test_yaml_syntax_error_is_reported_with_a_position(tmp_path):
    path, p = check(tmp_path, VALID + "log: {level: info\n")

    assert p.returncode != 0
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: .+", p.stderr, re.M), p.stderr


def test_missing_config_file_fails_check(tmp_path):
    p = run_residns("--check-config", "-c", str(tmp_path / "absent.yaml"))

    assert p.returncode != 0
    assert "absent.yaml" in p.stderr


def test_daemon_refuses_to_start_with_invalid_config(tmp_path, residns_binary):
    d = Residns(residns_binary, tmp_path, config_text=VALID + "bogus_key: 1\n")

    with pytest.raises(DaemonError, match="exited"):
        d.start(timeout=5)
    assert d.returncode not in (0, None)
    assert re.search(rf"{re.escape(str(d.config_path))}:7:\d+:", d.log_text()), d.log_text()


def test_version_prints_version_and_exits_0():
    p = run_residns("--version")

    assert p.returncode == 0
    assert re.search(r"\d+\.\d+\.\d+", p.stdout + p.stderr)


def test_help_mentions_the_options_and_exits_0():
    p = run_residns("--help")

    assert p.returncode == 0
    out = p.stdout + p.stderr
    for option in ("--config", "--check-config", "--version"):
        assert option in out, f"--help does not mention {option}"


def test_unknown_option_is_an_error():
    p = run_residns("--no-such-option")

    assert p.returncode != 0
