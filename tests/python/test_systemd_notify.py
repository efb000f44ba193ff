"""systemd's notification protocol: the test plays systemd. It binds an AF_UNIX datagram
socket, starts krill with NOTIFY_SOCKET (and WATCHDOG_USEC) pointing at it, and checks what
arrives: STATUS= at each start-up step, READY=1 only once the CQL port accepts connections,
WATCHDOG=1 at WATCHDOG_USEC / 2, STOPPING=1 on SIGTERM.
"""

import os
import socket
import subprocess
import threading
import time

import pytest

import krill_harness as kh


class FakeSystemd:
    """Receives notifications on a datagram socket; on READY=1 it tries the CQL port at once."""

    def __init__(self, path, cql_port=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.cql_port = cql_port
        self.messages = []  # (monotonic time, text)
        self.cql_accepted_at_ready = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        deadline = time.monotonic() + 120  # bounded even if nobody calls close()
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode()
            if "READY=1" in text.split("\n") and self.cql_port is not None:
                self.cql_accepted_at_ready = kh.port_accepts(self.cql_port, timeout=2)
            self.messages.append((time.monotonic(), text))

    def assignments(self):
        """Every KEY=VALUE line received, in order."""
        return [line for _, text in self.messages for line in text.split("\n") if line]

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def notify_path(tmp_path):
    return str(tmp_path / "notify.sock")


def test_start_ready_watchdog_stop(node_factory, notify_path, monkeypatch):
    node = node_factory.create("notify", start=False)
    systemd = FakeSystemd(notify_path, cql_port=node.native_port)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", notify_path)
        monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # 1 s: pings every 0.5 s
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        node.start()
        kh.wait_until(lambda: "READY=1" in systemd.assignments(), 15, message="READY=1")
        assert systemd.cql_accepted_at_ready is True, "READY=1 came before CQL accepted connections"
        got = systemd.assignments()
        statuses = [a for a in got[:got.index("READY=1")] if a.startswith("STATUS=")]
        assert statuses == ["STATUS=Opening storage", "STATUS=Loading schema",
                            "STATUS=Starting reactors and the request pool", "STATUS=Starting the CQL server",
                            "STATUS=Starting the HTTP server"], got
        assert f"STATUS=Serving CQL on 127.0.0.1:{node.native_port}, HTTP on 127.0.0.1:{node.http_port}" in got
        # Watchdog pings: about two a second, only after READY.
        ready_at = [t for t, m in systemd.messages if "READY=1" in m][0]
        time.sleep(2.2)
        pings = [t for t, m in systemd.messages if m == "WATCHDOG=1"]
        assert 3 <= len(pings) <= 7, pings
        assert all(t >= ready_at for t in pings)
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        assert all(0.3 < g < 0.9 for g in gaps), gaps
        assert "systemd notification socket" in node.log_text()
        # SIGTERM: STOPPING=1 first, then the drain, then a final status.
        assert node.stop() == 0
        got = systemd.assignments()
        assert "STOPPING=1" in got and got.index("STOPPING=1") > got.index("READY=1")
        assert got[got.index("STOPPING=1") + 1] == "STATUS=Draining"
        assert got[-1] == "STATUS=Stopped", got[-5:]
        after_stop = [m for t, m in systemd.messages[got.index("STOPPING=1"):] if m == "WATCHDOG=1"]
        assert len(after_stop) <= 1
    finally:
        systemd.close()


def test_abstract_socket_and_no_watchdog(node_factory, monkeypatch):
    name = f"krill-test-{os.getpid()}-{time.monotonic_ns()}"
    node = node_factory.create("abstract", start=False)
    systemd = FakeSystemd("\0" + name, cql_port=node.native_port)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        monkeypatch.delenv("WATCHDOG_USEC", raising=False)
        node.start()
        kh.wait_until(lambda: "READY=1" in systemd.assignments(), 15, message="READY=1")
        assert systemd.cql_accepted_at_ready is True
        time.sleep(1.0)
        assert "WATCHDOG=1" not in systemd.assignments()
        assert node.stop() == 0
        assert "STOPPING=1" in systemd.assignments()
    finally:
        systemd.close()


def test_watchdog_for_another_pid_is_ignored(node_factory, notify_path, monkeypatch):
    node = node_factory.create("otherpid", start=False)
    systemd = FakeSystemd(notify_path)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", notify_path)
        monkeypatch.setenv("WATCHDOG_USEC", "200000")
        monkeypatch.setenv("WATCHDOG_PID", "1")  # systemd meant another process
        node.start()
        kh.wait_until(lambda: "READY=1" in systemd.assignments(), 15, message="READY=1")
        time.sleep(0.6)
        assert "WATCHDOG=1" not in systemd.assignments()
        assert node.stop() == 0
    finally:
        systemd.close()


def test_no_notify_socket_and_a_missing_one(node_factory, tmp_path, monkeypatch):
    # Unset: nothing is sent and nothing is said. Pointing nowhere: the node still serves.
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    node = node_factory.create("nonotify")
    assert "systemd notification socket" not in node.log_text()
    assert node.stop() == 0
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens.sock"))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")
    node = node_factory.create("nolistener")
    time.sleep(0.5)
    node.assert_alive()
    assert node.stop() == 0


def test_start_failure_is_reported(node_factory, notify_path, monkeypatch):
    # The CQL port is taken: start-up fails, systemd hears why, and READY=1 never comes.
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    systemd = FakeSystemd(notify_path)
    try:
        node = node_factory.create("fail", start=False)
        node.native_port = blocker.getsockname()[1]
        monkeypatch.setenv("NOTIFY_SOCKET", notify_path)
        res = subprocess.run(node.command(), capture_output=True, text=True, timeout=60)
        assert res.returncode == 1
        kh.wait_until(lambda: any(a.startswith("STATUS=Start-up failed: ") for a in systemd.assignments()), 5,
                      message="the failure status")
        assert "READY=1" not in systemd.assignments()
    finally:
        systemd.close()
        blocker.close()
