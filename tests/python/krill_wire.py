"""A tiny raw CQL native-protocol (v4) client for protocol-level checks.

Only used *in addition to* the real drivers, to check bytes the drivers hide: version
negotiation errors, SUPPORTED contents, exact error codes, events, frame limits.
"""

import select
import socket
import struct
import threading
import time
from dataclasses import dataclass

# opcodes
ERROR, STARTUP, READY, AUTHENTICATE, OPTIONS, SUPPORTED, QUERY, RESULT = 0, 1, 2, 3, 5, 6, 7, 8
PREPARE, EXECUTE, REGISTER, EVENT, BATCH = 9, 0x0A, 0x0B, 0x0C, 0x0D

# result kinds
VOID, ROWS, SET_KEYSPACE, PREPARED, SCHEMA_CHANGE = 1, 2, 3, 4, 5

CONSISTENCY_ONE = 0x0001

HEADER = struct.Struct(">BBhBi")  # version, flags, stream, opcode, length


@dataclass
class Frame:
    version: int
    flags: int
    stream: int
    opcode: int
    body: bytes

    def error(self):
        """(code, message) of an ERROR frame."""
        assert self.opcode == ERROR, f"expected ERROR, got opcode {self.opcode:#x}"
        r = Reader(self.body)
        return r.int(), r.string()


class ConnectionClosed(Exception):
    pass


# ------------------------------------------------------------------ encoding
def short(n):
    return struct.pack(">H", n)


def int32(n):
    return struct.pack(">i", n)


def string(s):
    b = s.encode()
    return short(len(b)) + b


def long_string(s):
    b = s.encode()
    return int32(len(b)) + b


def short_bytes(b):
    return short(len(b)) + b


def value(b):
    return int32(-1) if b is None else int32(len(b)) + b


def string_map(d):
    out = short(len(d))
    for k, v in d.items():
        out += string(k) + string(v)
    return out


def string_list(items):
    out = short(len(items))
    for s in items:
        out += string(s)
    return out


def frame_bytes(opcode, body=b"", stream=0, version=4, flags=0):
    return HEADER.pack(version, flags, stream, opcode, len(body)) + body


def query_body(cql, values=None, consistency=CONSISTENCY_ONE, page_size=None):
    flags = 0
    tail = b""
    if values is not None:
        flags |= 0x01
        tail += short(len(values)) + b"".join(value(v) for v in values)
    if page_size is not None:
        flags |= 0x04
        tail += int32(page_size)
    return long_string(cql) + short(consistency) + bytes([flags]) + tail


def execute_body(prepared_id, values=(), consistency=CONSISTENCY_ONE):
    flags = 0x01 if values else 0
    body = short_bytes(prepared_id) + short(consistency) + bytes([flags])
    if values:
        body += short(len(values)) + b"".join(value(v) for v in values)
    return body


# ------------------------------------------------------------------ decoding
class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        assert self.pos + n <= len(self.data), "truncated message body"
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def byte(self):
        return self.take(1)[0]

    def short(self):
        return struct.unpack(">H", self.take(2))[0]

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def long(self):
        return struct.unpack(">q", self.take(8))[0]

    def string(self):
        return self.take(self.short()).decode()

    def long_string(self):
        return self.take(self.int()).decode()

    def short_bytes(self):
        return self.take(self.short())

    def bytes(self):
        n = self.int()
        return None if n < 0 else self.take(n)

    def string_list(self):
        return [self.string() for _ in range(self.short())]

    def string_multimap(self):
        return {self.string(): self.string_list() for _ in range(self.short())}

    def inet(self):
        n = self.byte()
        addr = self.take(n)
        return addr, self.int()

    def option(self):
        """Type option; returns (id, payload) with nested options parsed for collections."""
        tid = self.short()
        if tid == 0x0000:
            return tid, self.string()
        if tid in (0x0020, 0x0022):
            return tid, self.option()
        if tid == 0x0021:
            return tid, (self.option(), self.option())
        if tid == 0x0030:
            ks, name = self.string(), self.string()
            fields = [(self.string(), self.option()) for _ in range(self.short())]
            return tid, (ks, name, fields)
        if tid == 0x0031:
            return tid, [self.option() for _ in range(self.short())]
        return tid, None

    def col_specs(self, flags, ncols):
        specs = []
        global_spec = None
        if flags & 0x0001:
            global_spec = (self.string(), self.string())
        for _ in range(ncols):
            if global_spec is None:
                ks, tbl = self.string(), self.string()
            else:
                ks, tbl = global_spec
            specs.append((ks, tbl, self.string(), self.option()))
        return global_spec, specs


def parse_rows(body):
    """RESULT Rows body -> (column names, rows as lists of raw bytes, paging_state)."""
    r = Reader(body)
    kind = r.int()
    assert kind == ROWS, f"expected Rows result, got kind {kind}"
    flags = r.int()
    ncols = r.int()
    paging_state = r.bytes() if flags & 0x0002 else None
    names = []
    if not flags & 0x0004:
        _, specs = r.col_specs(flags, ncols)
        names = [s[2] for s in specs]
    nrows = r.int()
    rows = [[r.bytes() for _ in range(ncols)] for _ in range(nrows)]
    return names, rows, paging_state


def parse_prepared(body):
    r = Reader(body)
    kind = r.int()
    assert kind == PREPARED, f"expected Prepared result, got kind {kind}"
    prepared_id = r.short_bytes()
    flags = r.int()
    ncols = r.int()
    pk_count = r.int()
    pk_indexes = [r.short() for _ in range(pk_count)]
    global_spec, specs = r.col_specs(flags, ncols)
    return dict(id=prepared_id, flags=flags, pk_indexes=pk_indexes,
                global_spec=global_spec, bind_specs=specs)


# ------------------------------------------------------------------ connection
class RawConnection:
    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def send_frame(self, opcode, body=b"", stream=0, version=4, flags=0):
        self.send(frame_bytes(opcode, body, stream, version, flags))

    def _fill(self, n, deadline):
        while len(self.buf) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout(f"no complete frame within {self.timeout}s")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError as exc:
                raise ConnectionClosed("connection reset by server") from exc
            if not chunk:
                raise ConnectionClosed("connection closed by server")
            self.buf += chunk

    def recv_frame(self, timeout=None):
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        self._fill(9, deadline)
        version, flags, stream, opcode, length = HEADER.unpack(self.buf[:9])
        assert 0 <= length <= 256 * 1024 * 1024, f"absurd response length {length}"
        self._fill(9 + length, deadline)
        body = self.buf[9:9 + length]
        self.buf = self.buf[9 + length:]
        return Frame(version, flags, stream, opcode, body)

    def recv_response(self, stream, timeout=None):
        """Next frame with this stream id (EVENT frames on stream -1 are skipped)."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            f = self.recv_frame(max(0.01, deadline - time.monotonic()))
            if f.stream == stream:
                return f
            assert f.stream == -1, f"response on unexpected stream {f.stream}"

    def request(self, opcode, body=b"", stream=1):
        self.send_frame(opcode, body, stream)
        return self.recv_response(stream)

    def startup(self, options=None):
        opts = {"CQL_VERSION": "3.0.0"}
        opts.update(options or {})
        f = self.request(STARTUP, string_map(opts), stream=0)
        assert f.opcode == READY, f"STARTUP answered with opcode {f.opcode:#x}: {f.body!r}"
        return f

    def query(self, cql, stream=1, **kw):
        return self.request(QUERY, query_body(cql, **kw), stream)

    def wait_closed(self, timeout=5.0):
        """True if the server closes (EOF or reset) within timeout; data received is kept in buf."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False


def supported_ok(port, timeout=10.0):
    """A fresh connection gets SUPPORTED for OPTIONS: the server still serves."""
    with RawConnection(port, timeout) as c:
        f = c.request(OPTIONS, stream=3)
        return f.opcode == SUPPORTED and f.version == 0x84 and f.stream == 3


def started(port, timeout=10.0):
    """A raw connection that completed STARTUP."""
    c = RawConnection(port, timeout)
    c.startup()
    return c


def send_oversized_frame(port, body_len, stream=5, timeout=60.0):
    """Declare a QUERY body of body_len bytes and stream zeros until the server answers or closes.

    A server may answer as soon as it has read the header (and close), or first discard the
    declared body and then answer: both are fine. Returns (frame or None, error or None).
    """
    conn = started(port)
    result = {}
    done = threading.Event()

    def reader():
        try:
            result["frame"] = conn.recv_frame(timeout)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            result["error"] = exc
        done.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline = time.monotonic() + timeout
    try:
        conn.send(struct.pack(">BBhBi", 4, 0, stream, QUERY, body_len))
        chunk = b"\x00" * (1 << 20)
        sent = 0
        while sent < body_len and not done.is_set() and time.monotonic() < deadline:
            _, writable, _ = select.select([], [conn.sock], [], 0.2)
            if not writable:
                continue
            try:
                sent += conn.sock.send(chunk[:min(len(chunk), body_len - sent)])
            except (BlockingIOError, socket.timeout):
                continue
            except OSError:
                break  # the server closed the connection
        done.wait(max(0.0, deadline - time.monotonic()))
    finally:
        conn.close()
        t.join(5)
    return result.get("frame"), result.get("error")
