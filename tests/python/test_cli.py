"""The krill command line outside of serving."""

import re
import subprocess

import krill_harness as kh


def test_version_subcommand():
    p = subprocess.run([kh.krill_bin(), "version"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert re.match(r"^Krill \S+", p.stdout.strip()), p.stdout


def test_serve_rejects_invalid_flag_value(tmp_path):
    p = subprocess.run(
        [kh.krill_bin(), "serve", "--data-dir", str(tmp_path / "d"), "--listen-address", "127.0.0.1",
         "--native-port", "not-a-port", "--http-port", str(kh.free_port()), "--smp", "2"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert "serving" not in p.stdout + p.stderr
