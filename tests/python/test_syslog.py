"""Remote syslog (RFC 5424) against a real syslog daemon: Debian's rsyslogd, run unprivileged
in a temporary directory with UDP and TCP inputs on free loopback ports.

rsyslogd writes every message twice: raw as received (`%rawmsg%`, checked here against
RFC 5424's grammar) and as rsyslog parsed it (facility, severity, hostname, app-name, procid,
msgid, structured data), which shows that a real receiver understood the fields.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from datetime import datetime, timezone

import pytest

import krill_harness as kh
from krill_http import http

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
APP = "krilltest"
FACILITY = 19  # local3

pytestmark = pytest.mark.skipif(not os.access(RSYSLOGD, os.X_OK), reason="rsyslogd is not installed")

# <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]
RFC5424 = re.compile(
    r"<(?P<pri>\d{1,3})>1 "
    r"(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) "
    r"(?P<host>[!-~]{1,255}) (?P<app>[!-~]{1,48}) (?P<procid>[!-~]{1,128}) (?P<msgid>[!-~]{1,32}) "
    r"(?P<sd>-|(?:\[[^ \]=\"]+(?: [^ \]=\"]+=\"(?:[^\"\\\]]|\\[\"\\\]])*\")*\])+)"
    r"(?: (?P<msg>.*))?$", re.S)
SD_PARAM = re.compile(r'([^ \]="]+)="((?:[^"\\\]]|\\["\\\]])*)"')


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Rsyslog:
    """One rsyslogd in the foreground (-n) with its own config, pid file and work directory."""

    def __init__(self, base):
        self.dir = base
        self.udp_port = free_udp_port()
        self.tcp_port = kh.free_port()
        self.raw = base / "raw.log"
        self.parsed = base / "parsed.log"
        self.conf = base / "rsyslog.conf"
        # No imuxsock/imklog (they need /dev/log and the kernel log); a private work directory.
        self.conf.write_text(f"""
global(workDirectory="{base}" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{self.udp_port}")
input(type="imtcp" address="127.0.0.1" port="{self.tcp_port}")
template(name="raw" type="string" string="%rawmsg%\\n")
template(name="parsed" type="string"
         string="%syslogfacility-text%|%syslogseverity-text%|%hostname%|%app-name%|%procid%|%msgid%|%structured-data%|%msg%\\n")
*.* action(type="omfile" file="{self.raw}" template="raw")
*.* action(type="omfile" file="{self.parsed}" template="parsed")
""")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", str(self.conf), "-i", str(self.dir / "rsyslogd.pid")],
            stdout=open(self.dir / "rsyslogd.out", "ab"), stderr=subprocess.STDOUT,
            preexec_fn=kh._child_setup)
        kh.wait_until(lambda: kh.port_accepts(self.tcp_port) or self.proc.poll() is not None, 15,
                      message="rsyslogd's TCP input")
        assert self.proc.poll() is None, (self.dir / "rsyslogd.out").read_text()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def lines(self, which="raw"):
        path = self.raw if which == "raw" else self.parsed
        try:
            return [l for l in path.read_text(errors="replace").splitlines() if l]
        except FileNotFoundError:
            return []

    def krill_lines(self, which="raw"):
        return [l for l in self.lines(which) if f" {APP} " in l or f"|{APP}|" in l]

    def wait_for(self, needle, timeout=15.0, which="raw", pid=None):
        """The lines holding `needle` (and, with `pid`, sent by that process: the module's
        rsyslogd also holds the lines of the nodes that earlier tests started)."""
        mark = "" if pid is None else f" {pid} "
        return kh.wait_until(lambda: [l for l in self.krill_lines(which) if needle in l and mark in l],
                             timeout, message=f"{needle!r} at rsyslogd")


@pytest.fixture(scope="module")
def rsyslog(tmp_path_factory):
    r = Rsyslog(tmp_path_factory.mktemp("rsyslog"))
    r.start()
    yield r
    r.stop()


def syslog_config(port, transport):
    return (f"syslog:\n  address: 127.0.0.1:{port}\n  transport: {transport}\n"
            f"  facility: local3\n  app_name: {APP}\n")


def parse(line):
    m = RFC5424.match(line)
    assert m, f"not RFC 5424: {line!r}"
    sd = dict(SD_PARAM.findall(m.group("sd")))
    return m, sd


def check_message(line, pid, since):
    m, sd = parse(line)
    pri = int(m.group("pri"))
    assert pri // 8 == FACILITY, line
    ts = datetime.strptime(m.group("ts"), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert since - 5 <= ts.timestamp() <= time.time() + 5, line
    assert m.group("host") == socket.gethostname()[:255], line
    assert m.group("app") == APP and m.group("procid") == str(pid), line
    assert m.group("sd").startswith("[krill@32473 "), line
    assert sd["logger"] == m.group("msgid"), line
    assert sd["node"] == "127.0.0.1", line
    assert sd["thread"].isdigit(), line
    return m, pri % 8


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_messages_reach_rsyslog_as_rfc5424(rsyslog, node_factory, transport):
    since = time.time()
    port = rsyslog.udp_port if transport == "udp" else rsyslog.tcp_port
    node = node_factory.create(f"sys_{transport}", config_text=syslog_config(port, transport))
    pid = node.pid()
    boot = rsyslog.wait_for("booted and awake", pid=pid)
    mine = [l for l in rsyslog.krill_lines() if f" {APP} {pid} " in l]
    assert len(mine) >= 10, mine
    severities = {}
    for line in mine:
        m, sev = check_message(line, pid, since)
        severities[m.group("msgid")] = sev
    assert severities.get("init") == 6 and severities.get("storage") == 6, severities
    line = [l for l in boot if f" {pid} " in l][0]
    m, _ = parse(line)
    assert m.group("msgid") == "init"
    assert f"CQL on 127.0.0.1:{node.native_port}" in m.group("msg")
    assert f"HTTP on 127.0.0.1:{node.http_port}" in m.group("msg")
    assert "lo 127.0.0.1" in m.group("msg")

    # rsyslog itself parsed the fields: facility, severity, app-name, procid, msgid, SD.
    parsed = [l.split("|", 7) for l in rsyslog.krill_lines("parsed") if f"|{APP}|{pid}|" in l]
    boots = [p for p in parsed if "booted and awake" in p[7]]
    assert boots, parsed[-5:]
    fac, sev, host, app, procid, msgid, sd, msg = boots[0]
    assert (fac, sev, app, procid, msgid) == ("local3", "info", APP, str(pid), "init"), boots[0]
    assert 'logger="init"' in sd and 'node="127.0.0.1"' in sd
    assert msg.lstrip().startswith("Krill ")

    # A runtime level change shows in what syslog receives: http's debug lines appear.
    status, _ = http(node, "/healthz")
    assert status == 200
    time.sleep(0.5)
    assert not [l for l in rsyslog.krill_lines() if f" {pid} http " in l and "GET /healthz -> 200" in l]
    assert http(node, "/system/logger/http?level=debug", "POST") == (200, "")
    http(node, "/storage_service/cluster_name")
    got = rsyslog.wait_for("GET /storage_service/cluster_name -> 200", pid=pid)
    m, sev = check_message(got[0], pid, since)
    assert sev == 7 and m.group("msgid") == "http", got[0]
    rsyslog.wait_for("log levels: logger http set to debug", pid=pid)
    stats = http(node, "/krill/host")[1]["logging"]["syslog"]
    assert stats["enabled"] and stats["sent"] >= len(mine) and stats["dropped"] == 0, stats
    if transport == "tcp":
        assert stats["connected"] and stats["connects"] == 1, stats
    # The last line before exit reaches the server too (the registry drains on shutdown).
    assert node.stop() == 0
    rsyslog.wait_for("Krill stopped", pid=pid)


def test_tcp_reconnects_after_the_server_restarts(tmp_path, node_factory):
    r = Rsyslog(tmp_path)
    r.start()
    try:
        cfg = syslog_config(r.tcp_port, "tcp") + "  reconnect_ms: 100\n"
        node = node_factory.create("sys_reconnect", config_text=cfg)
        pid = node.pid()
        r.wait_for("booted and awake")
        r.stop()
        # Lines logged while the server is away wait in the bounded queue.
        http(node, "/system/logger/http?level=debug", "POST")
        for i in range(3):
            http(node, f"/storage_service/cluster_name?n={i}")
        kh.wait_until(lambda: not http(node, "/krill/host")[1]["logging"]["syslog"]["connected"], 10,
                      message="the sender to notice the lost connection")
        r.start()
        got = r.wait_for("cluster_name?n=2 -> 200", timeout=20)
        assert [l for l in got if f" {pid} " in l]
        stats = http(node, "/krill/host")[1]["logging"]["syslog"]
        assert stats["connects"] >= 2 and stats["connected"], stats
        node.assert_alive()
    finally:
        r.stop()


def test_server_down_does_not_stop_the_node(node_factory):
    # Nothing listens on the port: the node starts, serves, counts what it could not send.
    cfg = syslog_config(kh.free_port(), "tcp") + "  queue_messages: 5\n"
    node = node_factory.create("sys_down", config_text=cfg)
    for _ in range(3):
        http(node, "/system/logger")
    stats = http(node, "/krill/host")[1]["logging"]["syslog"]
    assert stats["enabled"] and not stats["connected"] and stats["sent"] == 0, stats
    assert stats["queued"] <= 5 and stats["dropped"] > 0, stats
    assert "cannot connect to syslog server tcp 127.0.0.1:" in node.log_text()
    assert node.stop() == 0


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_crash_line_reaches_syslog(rsyslog, node_factory, transport, monkeypatch):
    port = rsyslog.udp_port if transport == "udp" else rsyslog.tcp_port
    node = node_factory.create(f"crash_{transport}", start=False, config_text=syslog_config(port, transport))
    env = dict(os.environ, KRILL_DEBUG_CRASH="segv")
    with open(node.log_path, "ab") as out:
        proc = subprocess.Popen(node.command(), env=env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=str(node.dir), preexec_fn=kh._child_setup)
        try:
            rc = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert rc == -signal.SIGSEGV, (rc, node.log_tail())
    got = rsyslog.wait_for("about to crash: signal 11 (SIGSEGV)", pid=proc.pid)
    assert got, rsyslog.krill_lines()[-5:]
    m, sd = parse(got[0])
    assert int(m.group("pri")) == FACILITY * 8 + 2  # critical
    assert m.group("msgid") == "crash" and sd["logger"] == "crash" and sd["node"] == "127.0.0.1"
    frames = re.findall(r"0x[0-9a-f]+", m.group("msg").split("backtrace:", 1)[1])
    assert len(frames) >= 3, m.group("msg")


def test_bad_syslog_settings_refuse_to_start(node_factory):
    for cfg, needle in [
        ("syslog:\n  address: logs.example.com:514\n", "not an IP address"),
        ("syslog:\n  address: 127.0.0.1:514\n  transport: sctp\n", "bad syslog transport 'sctp'"),
        ("syslog:\n  address: 127.0.0.1:514\n  facility: local9\n", "bad syslog facility 'local9'"),
        ("syslog:\n  address: 127.0.0.1:99999\n", "bad port '99999'"),
    ]:
        node = node_factory.create(f"bad{len(node_factory.nodes)}", start=False, config_text=cfg)
        res = subprocess.run(node.command(), capture_output=True, text=True, timeout=30)
        assert res.returncode == 1, (cfg, res.stdout, res.stderr)
        assert needle in res.stderr, (cfg, res.stderr)
