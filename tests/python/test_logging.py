"""Named loggers and their runtime levels (ScyllaDB's /system/logger API, `krill nodetool
getlogginglevels` / `setlogginglevel` in Cassandra's format), the ring of recent lines, the
boot line, and the last words on a fatal signal or an uncaught exception.
"""

import os
import re
import shutil
import signal
import subprocess

import pytest

import krill_harness as kh
from krill_http import http

LEVELS = {"trace", "debug", "info", "warn", "error", "critical", "off"}


def nodetool(node, *args):
    return subprocess.run([kh.krill_bin(), "nodetool", "-p", str(node.http_port), *args],
                          capture_output=True, text=True, timeout=30)


@pytest.fixture(autouse=True)
def reset_levels(krill_node):
    yield
    http(krill_node, "/krill/logger/reset", "POST")


# ----------------------------------------------------------------------- HTTP API
def test_logger_names_and_levels(krill_node):
    status, names = http(krill_node, "/system/logger")
    assert status == 200 and names == sorted(names)
    for expected in ["init", "storage", "commitlog", "compaction", "schema", "cql_server", "http", "crash"]:
        assert expected in names
    for name in names:
        status, level = http(krill_node, f"/system/logger/{name}")
        assert status == 200 and level == "info", (name, level)


def test_set_one_logger_and_all(krill_node):
    assert http(krill_node, "/system/logger/storage?level=DEBUG", "POST") == (200, "")
    assert http(krill_node, "/system/logger/storage") == (200, "debug")
    assert http(krill_node, "/system/logger/schema") == (200, "info")
    assert http(krill_node, "/system/logger?level=warning", "POST") == (200, "")
    status, body = http(krill_node, "/krill/logger")
    assert status == 200 and body["default"] == "warn"
    assert {l["level"] for l in body["loggers"]} == {"warn"}
    assert http(krill_node, "/krill/logger/reset?logger=storage", "POST") == (200, "")
    assert http(krill_node, "/system/logger/storage") == (200, "info")
    assert http(krill_node, "/krill/logger/reset", "POST") == (200, "")
    assert http(krill_node, "/system/logger/http") == (200, "info")


def test_logger_api_errors(krill_node):
    status, body = http(krill_node, "/system/logger/storage?level=loud", "POST")
    assert status == 400 and "unknown level 'loud'" in body["message"]
    status, body = http(krill_node, "/system/logger/nosuch?level=debug", "POST")
    assert status == 400 and "unknown logger 'nosuch'" in body["message"]
    status, body = http(krill_node, "/system/logger/nosuch")
    assert status == 400 and "unknown logger" in body["message"]
    status, body = http(krill_node, "/system/logger/storage", "POST")
    assert status == 400 and "missing the level parameter" in body["message"]
    status, body = http(krill_node, "/system/logger?level=", "POST")
    assert status == 400
    status, _ = http(krill_node, "/system/logger/storage", "DELETE")
    assert status == 405
    status, body = http(krill_node, "/krill/logger/reset?logger=nosuch", "POST")
    assert status == 400
    # Nothing changed.
    assert http(krill_node, "/system/logger/storage") == (200, "info")


def test_recent_log_lines(krill_node):
    status, lines = http(krill_node, "/krill/log?lines=1000")
    assert status == 200 and isinstance(lines, list) and lines
    for line in lines:
        assert set(line) == {"time", "level", "logger", "message"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"]), line
        assert line["level"] in LEVELS
    assert any("booted and awake" in l["message"] and l["logger"] == "init" for l in lines)
    assert lines == sorted(lines, key=lambda l: l["time"])
    # A level change is audited, and the line is the newest.
    http(krill_node, "/system/logger/schema?level=trace", "POST")
    status, last = http(krill_node, "/krill/log?lines=1")
    assert status == 200 and len(last) == 1
    assert last[0]["message"] == "log levels: logger schema set to trace" and last[0]["logger"] == "http"
    assert len(http(krill_node, "/krill/log")[1]) <= 100
    for bad in ["abc", "0", "-1", "1.5", ""]:
        status, body = http(krill_node, f"/krill/log?lines={bad}")
        assert status == 400 and "lines must be a positive integer" in body["message"], bad


def test_host_info_has_recent_lines(krill_node):
    status, host = http(krill_node, "/krill/host")
    assert status == 200
    recent = host["logging"]["recent_lines"]
    assert 0 < len(recent) <= 20 and set(recent[0]) == {"time", "level", "logger", "message"}
    assert host["logging"]["syslog"]["enabled"] is False


def test_debug_lines_follow_the_runtime_level(krill_node):
    http(krill_node, "/storage_service/cluster_name?before=1")
    assert not [l for l in http(krill_node, "/krill/log?lines=1000")[1] if "before=1" in l["message"]]
    http(krill_node, "/system/logger/http?level=debug", "POST")
    http(krill_node, "/storage_service/cluster_name?after=1")
    lines = [l for l in http(krill_node, "/krill/log?lines=1000")[1] if "after=1" in l["message"]]
    assert lines and lines[0]["level"] == "debug" and lines[0]["logger"] == "http"
    assert "GET /storage_service/cluster_name?after=1 -> 200" in krill_node.log_text()


# ----------------------------------------------------------------------- nodetool
def test_nodetool_getlogginglevels_format(krill_node):
    http(krill_node, "/system/logger/storage?level=debug", "POST")
    res = nodetool(krill_node, "getlogginglevels")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.split("\n")
    assert lines[0] == ""
    assert lines[1] == "%-50s%10s" % ("Logger Name", "Log Level")
    rows = [l for l in lines[2:] if l]
    assert rows[0] == "%-50s%10s" % ("ROOT", "INFO")
    assert "%-50s%10s" % ("storage", "DEBUG") in rows
    assert "%-50s%10s" % ("schema", "INFO") in rows
    assert all(len(r) == 60 for r in rows)


def test_nodetool_setlogginglevel(krill_node):
    res = nodetool(krill_node, "setlogginglevel", "cql_server", "TRACE")
    assert res.returncode == 0 and res.stdout == "", res.stderr
    assert http(krill_node, "/system/logger/cql_server") == (200, "trace")
    res = nodetool(krill_node, "setlogginglevel", "ROOT", "error")
    assert res.returncode == 0, res.stderr
    assert http(krill_node, "/system/logger/init") == (200, "error")
    # One argument: that logger back to its configured level; none: all of them.
    assert nodetool(krill_node, "setlogginglevel", "init").returncode == 0
    assert http(krill_node, "/system/logger/init") == (200, "info")
    assert http(krill_node, "/system/logger/storage") == (200, "error")
    assert nodetool(krill_node, "setlogginglevel").returncode == 0
    assert http(krill_node, "/system/logger/storage") == (200, "info")
    assert "%-50s%10s" % ("ROOT", "INFO") in nodetool(krill_node, "getlogginglevels").stdout


def test_nodetool_setlogginglevel_errors(krill_node):
    res = nodetool(krill_node, "setlogginglevel", "storage", "loud")
    assert res.returncode == 1 and "unknown level 'loud'" in res.stderr
    res = nodetool(krill_node, "setlogginglevel", "nosuch", "debug")
    assert res.returncode == 1 and "unknown logger 'nosuch'" in res.stderr
    res = nodetool(krill_node, "setlogginglevel", "a", "b", "c")
    assert res.returncode == 2 and "at most two arguments" in res.stderr
    assert http(krill_node, "/system/logger/storage") == (200, "info")


# ----------------------------------------------------------------------- configuration
def test_configured_levels(node_factory):
    node = node_factory.create(
        "levels", config_text="default_log_level: warn\nlogger_log_level:\n  schema: debug\n  init: info\n",
        extra_args=["--logger-log-level", "storage=trace:http=error"])
    assert http(node, "/system/logger/schema") == (200, "debug")
    assert http(node, "/system/logger/storage") == (200, "trace")
    assert http(node, "/system/logger/http") == (200, "error")
    assert http(node, "/system/logger/init") == (200, "info")
    assert http(node, "/system/logger/cql_server") == (200, "warn")
    # Reset goes back to these, not to info.
    http(node, "/system/logger?level=off", "POST")
    http(node, "/krill/logger/reset", "POST")
    assert http(node, "/system/logger/schema") == (200, "debug")
    assert http(node, "/system/logger/cql_server") == (200, "warn")
    assert "Schema loaded" in node.log_text() and "compaction throughput limit" not in node.log_text()
    assert node.stop() == 0


@pytest.mark.parametrize("args,cfg,needle", [
    (["--default-log-level", "loud"], None, "bad default_log_level 'loud'"),
    (["--logger-log-level", "storage"], None, "expected logger=level"),
    ([], "logger_log_level:\n  storage: shouting\n", "bad level 'shouting' for logger storage"),
    ([], "log_ring_lines: -5\n", "log_ring_lines"),
])
def test_bad_logging_settings_refuse_to_start(node_factory, args, cfg, needle):
    node = node_factory.create("bad", start=False, config_text=cfg, extra_args=args)
    res = subprocess.run(node.command(), capture_output=True, text=True, timeout=30)
    assert res.returncode == 1 and needle in res.stderr, (res.stdout, res.stderr)


def test_boot_line(krill_node):
    text = krill_node.log_text()
    boot = [l for l in text.splitlines() if "booted and awake" in l]
    assert len(boot) == 1, boot
    line = boot[0]
    assert re.search(r" info \[\d+\] init - Krill \d+\.\d+\.\d+ booted and awake: ", line), line
    assert f"CQL on 127.0.0.1:{krill_node.native_port}, HTTP on 127.0.0.1:{krill_node.http_port}" in line
    assert f"data in {krill_node.data_dir}" in line
    assert re.search(r"host id [0-9a-f-]{36}, addresses: .*lo 127\.0\.0\.1", line), line
    # It comes once CQL listens, before "serving".
    assert text.index("Starting listening for CQL clients") < text.index("booted and awake") < text.index(
        "serving")


# ----------------------------------------------------------------------- last words
def run_crashing(node_factory, kind, timeout=60):
    node = node_factory.create(f"crash_{kind}", start=False)
    env = dict(os.environ, KRILL_DEBUG_CRASH=kind)
    proc = subprocess.Popen(node.command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=str(node.dir), preexec_fn=kh._child_setup)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def frames_of(stderr):
    after = stderr.split("backtrace (resolve with: addr2line -f -C -e ", 1)[1]
    return re.findall(r"\[(0x[0-9a-f]+)\]", after)


@pytest.mark.parametrize("kind,sig,name", [
    ("segv", signal.SIGSEGV, "SIGSEGV"),
    ("fpe", signal.SIGFPE, "SIGFPE"),
    ("abort", signal.SIGABRT, "SIGABRT"),
    ("ill", signal.SIGILL, "SIGILL"),
    ("bus", signal.SIGBUS, "SIGBUS"),
])
def test_fatal_signal_prints_last_words_and_backtrace(node_factory, kind, sig, name):
    rc, out, err = run_crashing(node_factory, kind)
    assert rc == -sig, (rc, err[-2000:])
    assert "booted and awake" in out  # it crashed after starting, as asked
    m = re.search(r"critical \[\d+\] crash - Krill \S+ about to crash: signal (\d+) \((\w+)\)", err)
    assert m, err[-2000:]
    assert int(m.group(1)) == sig and m.group(2) == name
    if kind == "segv":
        assert "fault address 0x0" in err
    frames = frames_of(err)
    assert len(frames) >= 3, err[-2000:]


def test_backtrace_resolves_with_addr2line(node_factory):
    addr2line = shutil.which("addr2line")
    if addr2line is None:
        pytest.skip("addr2line (binutils) is not installed")
    rc, _, err = run_crashing(node_factory, "segv")
    assert rc == -signal.SIGSEGV
    exe = err.split("backtrace (resolve with: addr2line -f -C -e ", 1)[1].split(" ", 1)[0]
    assert os.path.samefile(exe, kh.krill_bin())
    res = subprocess.run([addr2line, "-f", "-C", "-e", exe, *frames_of(err)], capture_output=True, text=True,
                         timeout=60)
    functions = res.stdout.splitlines()[0::2]
    # The static binary is not PIE: the addresses name our functions, the fault site included.
    assert any("debug_crash" in f for f in functions), functions
    assert any("on_fatal_signal" in f for f in functions), functions


def test_uncaught_exception_is_logged_then_aborts(node_factory):
    rc, out, err = run_crashing(node_factory, "throw")
    assert rc == -signal.SIGABRT, (rc, err[-2000:])
    both = out + err
    assert re.search(r"critical \[\d+\] crash - uncaught exception: std::runtime_error: "
                     r"KRILL_DEBUG_CRASH=throw: an exception nobody catches", both), both[-3000:]
    assert "about to crash: signal 6 (SIGABRT)" in err


def test_unknown_crash_kind_is_ignored(node_factory, monkeypatch):
    monkeypatch.setenv("KRILL_DEBUG_CRASH", "meteor")
    node = node_factory.create("nocrash")
    kh.wait_until(lambda: "KRILL_DEBUG_CRASH=meteor: unknown" in node.log_text(), 10, message="the warning")
    node.assert_alive()
    assert node.stop() == 0
