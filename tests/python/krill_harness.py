"""Start, stop, restart and kill -9 a real `krill serve` process for black-box tests.

Every node runs on free ports of 127.0.0.1 inside its own temporary directory, logs to a file
there, and is killed (SIGKILL) when the test process exits, even if pytest itself dies: the
child gets PR_SET_PDEATHSIG(SIGKILL) and an atexit hook kills whatever is still running.
"""

import atexit
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "build" / "krill"

STARTUP_TIMEOUT = 30.0   # seconds until "serving" is logged and the CQL port accepts
STOP_TIMEOUT = 30.0      # seconds a SIGTERM drain may take
LOG_TAIL_LINES = 80

_PR_SET_PDEATHSIG = 1
try:
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # pragma: no cover - glibc is always there on Debian
    _LIBC = None

_LIVE = set()  # every KrillNode whose process may still run


def krill_bin():
    """Path of the binary under test: $KRILL_BIN, else <repo>/build/krill."""
    return os.environ.get("KRILL_BIN") or str(DEFAULT_BIN)


def free_port():
    """A TCP port of 127.0.0.1 that was free a moment ago (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port, timeout=0.5):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _child_setup():
    # Runs in the child between fork and exec: die with the parent, whatever happens to it.
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class KrillStartupError(AssertionError):
    pass


class KrillNode:
    """One krill node: a data directory, two ports, and (while running) one process."""

    def __init__(self, base_dir, name="node", config_text=None, extra_args=(), cluster_name=None):
        self.base_dir = Path(base_dir)
        self.name = name
        self.dir = self.base_dir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.dir / "data"
        self.log_path = self.dir / "krill.log"
        self.native_port = free_port()
        self.http_port = free_port()
        while self.http_port == self.native_port:
            self.http_port = free_port()
        self.config_path = None
        if config_text is not None:
            self.config_path = self.dir / "krill.yaml"
            self.config_path.write_text(config_text)
        self.extra_args = list(extra_args)
        self.cluster_name = cluster_name
        self.proc = None
        self.starts = 0
        self._log_offset = 0

    # ----------------------------------------------------------------- process control
    def command(self):
        cmd = [
            krill_bin(), "serve",
            "--data-dir", str(self.data_dir),
            "--listen-address", "127.0.0.1",
            "--native-port", str(self.native_port),
            "--http-port", str(self.http_port),
            "--smp", "2",
        ]
        if self.config_path is not None:
            cmd += ["--config", str(self.config_path)]
        if self.cluster_name is not None:
            cmd += ["--cluster-name", self.cluster_name]
        return cmd + self.extra_args

    def start(self, timeout=STARTUP_TIMEOUT):
        """Start the process; return once "serving" was logged and the CQL port accepts."""
        assert not self.running(), f"{self.name} is already running"
        binary = krill_bin()
        if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
            raise KrillStartupError(
                f"krill binary not found or not executable: {binary!r} "
                f"(set KRILL_BIN or build {DEFAULT_BIN})")
        self.starts += 1
        cmd = self.command()
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== test harness: start #{self.starts}: {' '.join(cmd)}\n".encode())
            self._log_offset = log.tell()
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=str(self.dir), start_new_session=True, preexec_fn=_child_setup)
        _LIVE.add(self)
        deadline = time.monotonic() + timeout
        seen_serving = False
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise KrillStartupError(
                    f"krill ({self.name}) exited with code {rc} before serving\n"
                    f"command: {' '.join(cmd)}\n{self.log_tail()}")
            if not seen_serving:
                seen_serving = "serving" in self._log_since_start()
            if seen_serving and port_accepts(self.native_port):
                return self
            time.sleep(0.05)
        what = "port never accepted" if seen_serving else "no 'serving' line was logged"
        self.kill9()
        raise KrillStartupError(
            f"krill ({self.name}) not ready within {timeout:.0f}s ({what}; native port "
            f"{self.native_port})\ncommand: {' '.join(cmd)}\n{self.log_tail()}")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def pid(self):
        return self.proc.pid if self.proc is not None else None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM and wait for the drain. Returns the exit code; SIGKILLs and raises on timeout."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                raise AssertionError(
                    f"krill ({self.name}) did not exit within {timeout:.0f}s of SIGTERM\n"
                    f"{self.log_tail()}")
        rc = self.proc.returncode
        _LIVE.discard(self)
        return rc

    def kill9(self):
        """SIGKILL the process (no drain, no flush) and reap it."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be ignored
                pass
        _LIVE.discard(self)
        return self.proc.returncode

    def restart(self):
        rc = self.stop()
        assert rc == 0, f"krill ({self.name}) exited with {rc} on SIGTERM\n{self.log_tail()}"
        return self.start()

    def assert_alive(self):
        assert self.running(), (
            f"krill ({self.name}) is no longer running (exit code {self.proc.returncode})\n"
            f"{self.log_tail()}")

    # ----------------------------------------------------------------- logs
    def _log_since_start(self):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=LOG_TAIL_LINES):
        text = self.log_text().splitlines()
        return (f"----- last {min(lines, len(text))} lines of {self.log_path} -----\n"
                + "\n".join(text[-lines:]))


class NodeFactory:
    """Creates nodes in one temporary directory and guarantees that none outlives the test."""

    def __init__(self, prefix="krill-py-"):
        self.base = Path(tempfile.mkdtemp(prefix=prefix))
        self.nodes = []

    def create(self, name=None, start=True, **kwargs):
        node = KrillNode(self.base, name or f"node{len(self.nodes) + 1}", **kwargs)
        self.nodes.append(node)
        if start:
            node.start()
        return node

    def cleanup(self):
        for node in self.nodes:
            if node.running():
                try:
                    node.stop(timeout=10)
                except AssertionError:
                    pass
            node.kill9()
        if not os.environ.get("KRILL_KEEP_TMP"):
            shutil.rmtree(self.base, ignore_errors=True)


@atexit.register
def _kill_leftovers():
    for node in list(_LIVE):
        node.kill9()


def live_nodes():
    return list(_LIVE)


# --------------------------------------------------------------------- driver helpers
def make_cluster(port, protocol_version=4, request_timeout=20.0, **kwargs):
    """A python-driver Cluster for one local node (DC datacenter1, token aware)."""
    from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
    from cassandra.policies import (ConstantReconnectionPolicy, DCAwareRoundRobinPolicy,
                                    TokenAwarePolicy)

    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc="datacenter1")),
        request_timeout=request_timeout)
    args = dict(
        contact_points=["127.0.0.1"], port=port,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        connect_timeout=10, control_connection_timeout=10,
        reconnection_policy=ConstantReconnectionPolicy(0.5, max_attempts=None),
        max_schema_agreement_wait=10)
    if protocol_version is not None:
        args["protocol_version"] = protocol_version
    args.update(kwargs)
    return Cluster(**args)


def wait_until(predicate, timeout, interval=0.2, message="condition"):
    """Poll predicate() until truthy; returns its value or raises AssertionError at timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - remembered for the failure message
            last_exc = exc
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}"
                                 + (f" (last error: {last_exc!r})" if last_exc else ""))
        time.sleep(interval)


def module_keyspace_name(module_name):
    base = module_name.rsplit(".", 1)[-1]
    return "ks_" + re.sub(r"[^a-z0-9_]", "_", base.lower())[:40]
