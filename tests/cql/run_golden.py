#!/usr/bin/python3
"""Golden CQL tests: run tests/cql/*.cql against a real `krill serve` and compare outputs.

Usage:
    KRILL_BIN=build/krill /usr/bin/python3 tests/cql/run_golden.py tests/cql
    KRILL_BIN=build/krill /usr/bin/python3 tests/cql/run_golden.py tests/cql/select.cql
    KRILL_BIN=build/krill /usr/bin/python3 tests/cql/run_golden.py --record tests/cql/types.cql

The file format is described in tests/cql/README.md. In short: a statement ends with a line
ending in `;` (a `BEGIN ... BATCH` ends with `APPLY BATCH;`), and the lines right after it,
up to the next blank or comment line, are its expected output: `OK`, a header line of
column names followed by one line per row (values ` | `-separated, written as CQL
literals), or `ERROR <CodeName> <substring of the message>`.

One node is started for the whole run (fresh temporary data directory, free ports of
127.0.0.1, --smp 2). Each file runs in a fresh session whose keyspace is `golden_<file stem>`
(created before the file and dropped after it, together with every keyspace the file
created). If the node dies, the file fails and a new node is started for the next file.
At the end the node gets SIGTERM and must exit 0.

The last line printed is `N passed, M failed` (one file = one test). The exit code is 0
only if nothing failed. `--record` rewrites each file's expected blocks from what the
server answered (an expected ERROR line that still matches is kept as written).

Runs with Debian's python3-cassandra under /usr/bin/python3.
"""

import argparse
import atexit
import ctypes
import datetime
import decimal
import difflib
import ipaddress
import logging
import math
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

STARTUP_TIMEOUT = 30.0   # seconds for the CQL port to accept after spawning the server
STOP_TIMEOUT = 30.0      # seconds for SIGTERM to end the server
REQUEST_TIMEOUT = 30.0   # seconds per statement (driver request timeout)
DEFAULT_FETCH_SIZE = 1000
MAX_ROWS = 100000        # a result larger than this is cut off (and will not match)
MAX_PAGES = 10000        # likewise for the number of pages fetched for one statement
FILE_TIMEOUT = 300.0     # seconds one golden file may take before it is abandoned
LOG_TAIL_LINES = 60

ERROR_NAMES = {
    0x0000: "ServerError",
    0x000A: "ProtocolError",
    0x0100: "BadCredentials",
    0x1000: "Unavailable",
    0x1001: "Overloaded",
    0x1002: "IsBootstrapping",
    0x1003: "TruncateError",
    0x1100: "WriteTimeout",
    0x1200: "ReadTimeout",
    0x1300: "ReadFailure",
    0x1400: "FunctionFailure",
    0x1500: "WriteFailure",
    0x1600: "CDCWriteFailure",
    0x2000: "SyntaxError",
    0x2100: "Unauthorized",
    0x2200: "Invalid",
    0x2300: "ConfigError",
    0x2400: "AlreadyExists",
    0x2500: "Unprepared",
}

DIRECTIVE_RE = re.compile(r"^--\s*(rowsort|fetch_size\s+(\d+)|approx\s+(\d+))\s*$")
BATCH_START_RE = re.compile(r"^\s*begin\s+((un)?logged\s+|counter\s+)?batch\b", re.IGNORECASE)
BATCH_END_RE = re.compile(r"\bapply\s+batch\s*;\s*$", re.IGNORECASE)
ERROR_LINE_RE = re.compile(r"^ERROR\s+(\S+)(?:\s(.*))?$")


# =========================================================================== file format
class FormatError(Exception):
    pass


class Record:
    """One statement of a golden file with the comment/blank lines before it."""

    def __init__(self, lead, stmt, expected, lineno):
        self.lead = lead          # blank and comment lines before the statement
        self.stmt = stmt          # the statement's lines, as written
        self.expected = expected  # expected output lines (up to a blank or comment line)
        self.lineno = lineno      # 1-based line of the statement's first line
        self.rowsort = False
        self.fetch_size = DEFAULT_FETCH_SIZE
        self.approx = None        # integer tolerance for numeric values, or None
        # Directives count only in the comment block right above the statement.
        block = []
        for line in reversed(lead):
            if line.strip() == "":
                break
            block.append(line)
        for line in block:
            m = DIRECTIVE_RE.match(line.strip())
            if not m:
                continue
            if m.group(1) == "rowsort":
                self.rowsort = True
            elif m.group(2) is not None:
                self.fetch_size = max(1, int(m.group(2)))
            else:
                self.approx = int(m.group(3))

    def text(self):
        return "\n".join(line.rstrip() for line in self.stmt).strip()


def parse_golden(text, name):
    """Split a golden file into records and the trailing comment/blank lines."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    records, lead = [], []
    i, n = 0, len(lines)
    while i < n:
        stripped = lines[i].strip()
        if stripped == "" or stripped.startswith("--"):
            lead.append(lines[i])
            i += 1
            continue
        start = i
        is_batch = BATCH_START_RE.match(lines[i]) is not None
        while True:
            if i >= n:
                what = "APPLY BATCH;" if is_batch else "a line ending with ';'"
                raise FormatError(f"{name}:{start + 1}: statement not terminated by {what}")
            cur = lines[i].rstrip()
            i += 1
            if is_batch:
                if BATCH_END_RE.search(cur):
                    break
            elif cur.endswith(";"):
                break
        stmt = lines[start:i]
        expected = []
        while i < n and lines[i].strip() != "" and not lines[i].lstrip().startswith("--"):
            expected.append(lines[i].rstrip())
            i += 1
        records.append(Record(lead, stmt, expected, start + 1))
        lead = []
    return records, lead


def assemble(records, tail, outputs):
    """The text of a golden file whose expected blocks are `outputs` (one list per record)."""
    out = []
    for rec, block in zip(records, outputs):
        out.extend(rec.lead)
        out.extend(rec.stmt)
        out.extend(block)
    out.extend(tail)
    return "\n".join(out) + "\n"


# =========================================================================== rendering
def quote_string(s):
    out = []
    for ch in s:
        if ch == "'":
            out.append("''")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def render_float(v, single):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if not single:
        return repr(v)
    # The shortest decimal that reads back as the same 32-bit float.
    try:
        packed = struct.pack(">f", v)
    except OverflowError:
        return repr(v)
    for digits in range(1, 10):
        text = "%.*g" % (digits, v)
        try:
            if struct.pack(">f", float(text)) == packed:
                return repr(float(text))
        except OverflowError:  # rounded past the largest float
            continue
    return repr(v)


def render_timestamp(dt):
    if dt.tzinfo is not None:
        dt = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return "'%04d-%02d-%02d %02d:%02d:%02d.%03dZ'" % (
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond // 1000)


_NANOS_UNITS = (("h", 3600 * 10**9), ("m", 60 * 10**9), ("s", 10**9), ("ms", 10**6),
                ("us", 10**3), ("ns", 1))


def render_duration(d):
    """A CQL duration literal: 1y2mo3d4h5m6s7ms8us9ns, units that are zero left out."""
    negative = d.months < 0 or d.days < 0 or d.nanoseconds < 0
    parts = []
    months = abs(d.months)
    if months >= 12:
        parts.append("%dy" % (months // 12))
    if months % 12:
        parts.append("%dmo" % (months % 12))
    if d.days:
        parts.append("%dd" % abs(d.days))
    nanos = abs(d.nanoseconds)
    for unit, size in _NANOS_UNITS:
        if nanos >= size:
            parts.append("%d%s" % (nanos // size, unit))
            nanos %= size
    return ("-" if negative else "") + ("".join(parts) or "0s")


def _subtypes(ctype):
    return list(getattr(ctype, "subtypes", None) or [])


def _typename(ctype):
    return getattr(ctype, "typename", None) if ctype is not None else None


def render_value(v, ctype=None):
    """A deterministic CQL-literal-like text for a value decoded by the Python driver."""
    from cassandra import util as cutil
    from cassandra.cqltypes import EMPTY

    tname = _typename(ctype)
    if tname == "frozen" or tname == "org.apache.cassandra.db.marshal.ReversedType":
        subs = _subtypes(ctype)
        return render_value(v, subs[0] if subs else None)
    if v is None:
        return "null"
    if v is EMPTY:
        return "<empty>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return render_float(v, single=(tname == "float"))
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, str):
        return quote_string(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "0x" + bytes(v).hex()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, datetime.datetime):
        return render_timestamp(v)
    if isinstance(v, datetime.date):
        return "'%04d-%02d-%02d'" % (v.year, v.month, v.day)
    if isinstance(v, datetime.time):
        return "'%02d:%02d:%02d.%06d000'" % (v.hour, v.minute, v.second, v.microsecond)
    if isinstance(v, cutil.Date):
        return "'%s'" % v
    if isinstance(v, cutil.Time):
        return "'%s'" % v
    if isinstance(v, cutil.Duration):
        return render_duration(v)
    if isinstance(v, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return "'%s'" % v
    subs = _subtypes(ctype)
    if isinstance(v, cutil.OrderedMapSerializedKey) or isinstance(v, dict) or tname == "map":
        kt = subs[0] if len(subs) > 0 else None
        vt = subs[1] if len(subs) > 1 else None
        return "{" + ", ".join("%s: %s" % (render_value(k, kt), render_value(x, vt))
                               for k, x in v.items()) + "}"
    if isinstance(v, (cutil.SortedSet, set, frozenset)) or tname == "set":
        et = subs[0] if subs else None
        return "{" + ", ".join(render_value(x, et) for x in v) + "}"
    if isinstance(v, list) or tname == "list":
        et = subs[0] if subs else None
        return "[" + ", ".join(render_value(x, et) for x in v) + "]"
    if isinstance(v, tuple) and hasattr(v, "_fields"):
        # A user-defined type (the driver decodes it to a named tuple): {field: value, ...}.
        names = list(getattr(ctype, "fieldnames", None) or v._fields)
        items = []
        for i, x in enumerate(v):
            name = names[i] if i < len(names) else "_%d" % i
            items.append("%s: %s" % (name, render_value(x, subs[i] if i < len(subs) else None)))
        return "{" + ", ".join(items) + "}"
    if isinstance(v, tuple):
        items = []
        for i, x in enumerate(v):
            items.append(render_value(x, subs[i] if i < len(subs) else None))
        return "(" + ", ".join(items) + ")"
    return "<%s %r>" % (type(v).__name__, v)


def error_parts(exc):
    """(code name, message) of an exception raised by session.execute()."""
    code = getattr(exc, "_golden_code", None)
    message = getattr(exc, "_golden_message", None)
    if code is None and hasattr(exc, "code") and hasattr(exc, "message"):
        code, message = exc.code, exc.message
    if code is None:
        # A client-side failure (timeout, no connection, driver error): never a server answer.
        return "Client", "%s: %s" % (type(exc).__name__, str(exc))
    name = ERROR_NAMES.get(code, "0x%04X" % code)
    return name, str(message)


def one_line(text):
    return " ".join(str(text).split("\n")).strip()


def _install_error_capture():
    """Keep the server's code and message on the exceptions the driver builds from errors.

    The driver turns some ERROR frames into its own exception types (`to_exception`), which
    drop the server's message (AlreadyExists) or fold it into a summary string. Each
    converted exception gets `_golden_code` and `_golden_message` attributes here.
    """
    from cassandra import protocol

    classes = set(protocol.error_classes.values()) | {protocol.ErrorMessage}
    for cls in classes:
        original = cls.__dict__.get("to_exception")
        if original is None or getattr(original, "_golden_wrapped", False):
            continue

        def to_exception(self, _original=original):
            exc = _original(self)
            try:
                exc._golden_code = self.code
                exc._golden_message = self.message
            except AttributeError:
                pass
            return exc

        to_exception._golden_wrapped = True
        cls.to_exception = to_exception


# =========================================================================== server process
_PR_SET_PDEATHSIG = 1
try:
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:
    _LIBC = None

_LIVE_PROCS = []


def _die_with_parent():
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@atexit.register
def _kill_live_processes():
    for proc in list(_LIVE_PROCS):
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass


def free_port(avoid=()):
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in avoid:
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Server:
    def __init__(self, binary, base_dir, index):
        self.binary = binary
        self.dir = Path(base_dir) / f"node{index}"
        self.dir.mkdir(parents=True)
        self.log_path = self.dir / "krill.log"
        self.native_port = free_port()
        self.http_port = free_port(avoid=(self.native_port,))
        self.proc = None

    def start(self):
        cmd = [self.binary, "serve",
               "--data-dir", str(self.dir / "data"),
               "--listen-address", "127.0.0.1",
               "--native-port", str(self.native_port),
               "--http-port", str(self.http_port),
               "--smp", "2"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=str(self.dir),
                                         start_new_session=True, preexec_fn=_die_with_parent)
        _LIVE_PROCS.append(self.proc)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"krill exited with code {self.proc.returncode} before "
                                   f"accepting connections\ncommand: {' '.join(cmd)}\n"
                                   + self.log_tail())
            if port_accepts(self.native_port):
                return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"krill did not accept on 127.0.0.1:{self.native_port} within "
                           f"{STARTUP_TIMEOUT:.0f}s\ncommand: {' '.join(cmd)}\n" + self.log_tail())

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns the exit code (None if it had to be killed after the timeout)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def log_tail(self, lines=LOG_TAIL_LINES):
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no server log)"
        return (f"----- last {min(lines, len(text))} lines of {self.log_path} -----\n"
                + "\n".join(text[-lines:]))


def make_cluster(port):
    from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
    from cassandra.policies import (DCAwareRoundRobinPolicy, TokenAwarePolicy,
                                    ConstantReconnectionPolicy)
    from cassandra.query import tuple_factory

    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc="datacenter1")),
        request_timeout=REQUEST_TIMEOUT, row_factory=tuple_factory)
    return Cluster(contact_points=["127.0.0.1"], port=port, protocol_version=4,
                   execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                   connect_timeout=10, control_connection_timeout=10,
                   reconnection_policy=ConstantReconnectionPolicy(0.5, max_attempts=20),
                   max_schema_agreement_wait=10)


# =========================================================================== execution
def execute_record(session, rec):
    """The output lines of one statement, as they would be written in a golden file."""
    from cassandra.query import SimpleStatement

    stmt = SimpleStatement(rec.text(), fetch_size=rec.fetch_size)
    try:
        result = session.execute(stmt, timeout=REQUEST_TIMEOUT)
        names = result.column_names
        types = result.column_types
        rows = []
        if names is not None:
            # Every page, bounded: a server that keeps announcing more pages cannot loop us.
            pages = 1
            rows.extend(result.current_rows)
            while result.has_more_pages and len(rows) <= MAX_ROWS and pages < MAX_PAGES:
                result.fetch_next_page()
                pages += 1
                rows.extend(result.current_rows)
            if result.has_more_pages:
                rows.append(None)  # marks a cut-off result
    except Exception as exc:  # noqa: BLE001 - every error is an output to compare
        name, message = error_parts(exc)
        return None, (name, one_line(message))
    if names is None:
        return ["OK"], None
    types = list(types or [])
    lines = [" | ".join(names)]
    body = []
    cut_off = bool(rows) and rows[-1] is None
    if cut_off:
        rows.pop()
    for row in rows:
        body.append(" | ".join(render_value(v, types[i] if i < len(types) else None)
                               for i, v in enumerate(row)))
    if rec.rowsort:
        body.sort()
    if cut_off:
        body.append(f"(cut off after {len(rows)} rows)")
    lines.extend(body if body else ["(no rows)"])
    return lines, None


_INT_RE = re.compile(r"^-?[0-9]+$")


def approx_equal(actual, expected, tolerance):
    """Same lines, except that integer cells may differ by up to `tolerance`."""
    if len(actual) != len(expected):
        return False
    for a_line, e_line in zip(actual, expected):
        if a_line == e_line:
            continue
        a_cells, e_cells = a_line.split(" | "), e_line.split(" | ")
        if len(a_cells) != len(e_cells):
            return False
        for a, e in zip(a_cells, e_cells):
            if a == e:
                continue
            if not (_INT_RE.match(a) and _INT_RE.match(e)) or abs(int(a) - int(e)) > tolerance:
                return False
    return True


def error_block(rec, error):
    """Expected-format lines for an error; keeps the expected line if it matches."""
    name, message = error
    if len(rec.expected) == 1:
        m = ERROR_LINE_RE.match(rec.expected[0].strip())
        if m and m.group(1) == name and (m.group(2) or "").strip() in message:
            return [rec.expected[0]]
    return [f"ERROR {name} {message}".rstrip()]


def list_keyspaces(session):
    from cassandra.query import SimpleStatement

    rows = session.execute(SimpleStatement("SELECT keyspace_name FROM system_schema.keyspaces",
                                           fetch_size=1000), timeout=REQUEST_TIMEOUT)
    return {r[0] for r in rows}


def keyspace_for(path):
    return "golden_" + re.sub(r"[^a-z0-9_]", "_", path.stem.lower())[:40]


class Runner:
    def __init__(self, binary, base_dir, record, verbose):
        self.binary = binary
        self.base_dir = base_dir
        self.record = record
        self.verbose = verbose
        self.server = None
        self.cluster = None
        self.servers_started = 0
        self.baseline_keyspaces = None

    def ensure_server(self):
        if self.server is not None and self.server.alive() and self.cluster is not None:
            return
        self.shutdown_cluster()
        if self.server is not None:
            self.server.kill()
        self.servers_started += 1
        self.server = Server(self.binary, self.base_dir, self.servers_started)
        try:
            self.server.start()
            self.cluster = make_cluster(self.server.native_port)
            session = self.cluster.connect()
            try:
                self.baseline_keyspaces = list_keyspaces(session)
            finally:
                session.shutdown()
        except BaseException:
            # A node that never became usable is not judged at shutdown; the file fails.
            self.shutdown_cluster()
            self.server.kill()
            self.server = None
            raise

    def shutdown_cluster(self):
        if self.cluster is not None:
            try:
                self.cluster.shutdown()
            except Exception:  # noqa: BLE001
                pass
            self.cluster = None

    def finish(self):
        """Stop the server with SIGTERM; returns an error message or None."""
        self.shutdown_cluster()
        if self.server is None:
            return None
        if self.server.proc is None:
            return None
        if not self.server.alive():
            return (f"krill was not running at the end (exit code {self.server.proc.returncode})"
                    f"\n{self.server.log_tail()}")
        rc = self.server.stop()
        if rc != 0:
            what = "did not exit within %.0fs" % STOP_TIMEOUT if rc is None else f"exited {rc}"
            return f"krill {what} after SIGTERM (expected exit 0)\n{self.server.log_tail()}"
        return None

    def run_file(self, path):
        """Returns (ok, message lines)."""
        started = time.monotonic()
        try:
            text = path.read_text(encoding="utf-8")
            records, tail = parse_golden(text, path.name)
        except (OSError, UnicodeDecodeError, FormatError) as exc:
            return False, [f"FAIL {path.name}: cannot read the file: {exc}"]
        if not records:
            return False, [f"FAIL {path.name}: no statements"]
        try:
            self.ensure_server()
        except Exception as exc:  # noqa: BLE001
            return False, [f"FAIL {path.name}: could not start krill: {exc}"]

        keyspace = keyspace_for(path)
        session = None
        outputs, mismatches, notes = [], [], []
        try:
            session = self.cluster.connect()
            session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}", timeout=REQUEST_TIMEOUT)
            session.execute(f"CREATE KEYSPACE {keyspace} WITH replication = "
                            "{'class': 'SimpleStrategy', 'replication_factor': 1}",
                            timeout=REQUEST_TIMEOUT)
            session.set_keyspace(keyspace)
            deadline = started + FILE_TIMEOUT
            for rec in records:
                if time.monotonic() > deadline:
                    notes.append(f"{path.name}: gave up after {FILE_TIMEOUT:.0f}s "
                                 f"(before line {rec.lineno})")
                    break
                lines, error = execute_record(session, rec)
                if error is not None:
                    lines = error_block(rec, error)
                elif rec.approx is not None and approx_equal(lines, rec.expected, rec.approx):
                    lines = list(rec.expected)
                outputs.append(lines)
                if lines != rec.expected:
                    mismatches.append(rec)
                if not self.server.alive():
                    notes.append(f"krill died during line {rec.lineno} of {path.name} "
                                 f"(exit code {self.server.proc.returncode})\n"
                                 + self.server.log_tail())
                    break
        except Exception as exc:  # noqa: BLE001 - setup failures fail the file
            notes.append(f"{path.name}: harness error: {type(exc).__name__}: {exc}")
            if self.server is not None and not self.server.alive():
                notes.append(self.server.log_tail())
        finally:
            if session is not None:
                try:
                    self.cleanup_keyspaces(session)
                except Exception as exc:  # noqa: BLE001
                    notes.append(f"cleanup after {path.name} failed: {exc!r}")
                session.shutdown()

        complete = len(outputs) == len(records) and not notes
        elapsed = time.monotonic() - started
        msgs = []
        if complete and self.record:
            new_text = assemble(records, tail, outputs)
            if new_text != text:
                path.write_text(new_text, encoding="utf-8")
                msgs.append(f"RECORDED {path.name} ({len(mismatches)} blocks changed)")
            else:
                msgs.append(f"RECORDED {path.name} (unchanged)")
            return True, msgs
        if complete and not mismatches:
            return True, [f"PASS {path.name} ({len(records)} statements, {elapsed:.1f}s)"]

        # A diff of the file as written against the file with actual outputs.
        done = len(outputs)
        actual_outputs = outputs + [rec.expected for rec in records[done:]]
        actual_text = assemble(records, tail, actual_outputs)
        diff = difflib.unified_diff(text.splitlines(), actual_text.splitlines(),
                                    fromfile=f"{path.name} (expected)",
                                    tofile=f"{path.name} (actual)", lineterm="", n=3)
        msgs.append(f"FAIL {path.name}: {len(mismatches)} of {len(records)} statements differ"
                    + ("" if complete else f"; stopped after {done} statements"))
        for rec in mismatches:
            msgs.append(f"  line {rec.lineno}: {rec.text().splitlines()[0][:100]}")
        msgs.extend(diff)
        msgs.extend(notes)
        return False, msgs

    def cleanup_keyspaces(self, session):
        if not self.server.alive():
            return
        for ks in sorted(list_keyspaces(session) - (self.baseline_keyspaces or set())):
            session.execute(f'DROP KEYSPACE IF EXISTS "{ks}"', timeout=REQUEST_TIMEOUT)


def collect_files(paths):
    files = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(p.glob("*.cql")))
        else:
            files.append(p)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(Path(__file__).resolve().parent)],
                        help="golden files or directories of *.cql (default: this directory)")
    parser.add_argument("--record", action="store_true",
                        help="rewrite expected blocks from the server's answers")
    parser.add_argument("--bin", default=os.environ.get("KRILL_BIN"),
                        help="krill binary (default: $KRILL_BIN)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--verbose", action="store_true", help="driver log output")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.bin:
        print("KRILL_BIN is not set (or pass --bin)", file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        print(f"krill binary not found or not executable: {args.bin}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    args.bin = os.path.abspath(args.bin)
    files = collect_files(args.paths)
    if not files:
        print(f"no .cql files in {' '.join(args.paths)}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 2

    try:
        import cassandra  # noqa: F401
    except ImportError:
        print(f"the Python driver is missing for {sys.executable} "
              "(Debian: apt-get install python3-cassandra; run with /usr/bin/python3)",
              file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    _install_error_capture()

    # SIGTERM (e.g. from a test timeout) ends the run through the normal cleanup path.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    base = tempfile.mkdtemp(prefix="krill-golden-")
    runner = Runner(args.bin, base, args.record, args.verbose)
    passed = failed = 0
    try:
        for path in files:
            try:
                ok, msgs = runner.run_file(path)
            except Exception as exc:  # noqa: BLE001 - a runner bug fails the file, not the run
                ok, msgs = False, [f"FAIL {path.name}: runner error {type(exc).__name__}: {exc}"]
            for m in msgs:
                print(m)
            sys.stdout.flush()
            if ok:
                passed += 1
            else:
                failed += 1
        problem = runner.finish()
        if problem:
            print(f"FAIL server shutdown: {problem}")
            failed += 1
    finally:
        runner.shutdown_cluster()
        if runner.server is not None:
            runner.server.kill()
        if args.keep:
            print(f"(server files kept in {base})")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
