"""Protocol-level checks over a raw socket, in addition to the drivers (never instead of them)."""

import struct

import pytest

import krill_wire as w

TOO_BIG_DEFAULT = 256 * 1024 * 1024 + 1  # one byte above the default 256 MB frame limit


def assert_serving(krill_node):
    krill_node.assert_alive()
    assert w.supported_ok(krill_node.native_port), "a new connection is not served any more"


# ------------------------------------------------------------------ version negotiation
@pytest.mark.parametrize("version,opcode", [
    (0x42, w.OPTIONS), (0x41, w.OPTIONS), (0x06, w.OPTIONS), (0x42, w.STARTUP), (0x06, w.STARTUP),
], ids=["0x42-options", "0x41-options", "v6-options", "0x42-startup", "v6-startup"])
def test_unsupported_protocol_version(krill_node, version, opcode):
    body = w.string_map({"CQL_VERSION": "3.0.0"}) if opcode == w.STARTUP else b""
    with w.RawConnection(krill_node.native_port) as c:
        c.send_frame(opcode, body, stream=7, version=version)
        f = c.recv_frame(10)
        assert f.version == 0x84, f"response version byte {f.version:#x}, expected 0x84"
        assert f.stream == 7
        assert f.opcode == w.ERROR
        code, message = f.error()
        assert code == 0x000A, f"error code {code:#06x}"
        assert f"Invalid or unsupported protocol version ({version})" in message, message
        assert c.wait_closed(5), "the server must close the connection after a version error"
    assert_serving(krill_node)


def test_options_v4_supported(krill_node):
    with w.RawConnection(krill_node.native_port) as c:
        f = c.request(w.OPTIONS, stream=1)
        assert (f.version, f.stream, f.opcode) == (0x84, 1, w.SUPPORTED)
        opts = w.Reader(f.body).string_multimap()
        assert opts.get("CQL_VERSION"), opts
        assert all(v.startswith("3.") for v in opts["CQL_VERSION"]), opts
        assert "lz4" in opts["COMPRESSION"] and "snappy" in opts["COMPRESSION"], opts
        assert "PRODUCT_TYPE" not in opts
        # OPTIONS may be repeated, also after STARTUP (drivers use it as a heartbeat).
        c.startup()
        assert c.request(w.OPTIONS, stream=2).opcode == w.SUPPORTED


def test_startup_and_query_rows(krill_node):
    with w.started(krill_node.native_port) as c:
        f = c.query("SELECT key, cluster_name FROM system.local", stream=3)
        assert (f.version, f.opcode, f.stream) == (0x84, w.RESULT, 3)
        names, rows, _ = w.parse_rows(f.body)
        assert names == ["key", "cluster_name"]
        assert rows == [[b"local", b"Test Cluster"]]


@pytest.mark.parametrize("compression", ["lz4", "snappy"])
def test_startup_with_compression_is_accepted(krill_node, compression):
    with w.RawConnection(krill_node.native_port) as c:
        f = c.request(w.STARTUP, w.string_map({"CQL_VERSION": "3.0.0", "COMPRESSION": compression}),
                      stream=0)
        assert f.opcode == w.READY
        # Headers are never compressed: the next response is recognisable even if its body is.
        f = c.request(w.OPTIONS, stream=1)
        assert (f.version, f.stream, f.opcode) == (0x84, 1, w.SUPPORTED)


def test_responses_echo_stream_ids(krill_node):
    with w.started(krill_node.native_port) as c:
        streams = [5, 9, 300, 32767]
        for s in streams:
            c.send_frame(w.QUERY, w.query_body("SELECT key FROM system.local"), stream=s)
        got = set()
        for _ in streams:
            f = c.recv_frame(10)
            assert f.opcode == w.RESULT, f
            got.add(f.stream)
        assert got == set(streams)


def test_query_before_startup_is_a_protocol_error(krill_node):
    with w.RawConnection(krill_node.native_port) as c:
        f = c.request(w.QUERY, w.query_body("SELECT key FROM system.local"), stream=4)
        assert f.opcode == w.ERROR
        assert f.error()[0] == 0x000A
    assert_serving(krill_node)


# ------------------------------------------------------------------ errors with exact codes
def test_error_codes(krill_node, session, keyspace):
    session.execute("CREATE TABLE raw_err (k int PRIMARY KEY, v text)")
    with w.started(krill_node.native_port) as c:
        code, _ = c.query("SELEC * FROM x", stream=1).error()
        assert code == 0x2000
        code, _ = c.query(f"SELECT * FROM {keyspace}.no_such_table", stream=2).error()
        assert code == 0x2200
        code, _ = c.query("SELECT * FROM no_such_keyspace.t", stream=3).error()
        assert code == 0x2200
        code, _ = c.query(f"INSERT INTO {keyspace}.raw_err (k, v) VALUES ('x', 'y')", stream=4).error()
        assert code == 0x2200
        f = c.query(f"CREATE TABLE {keyspace}.raw_err (k int PRIMARY KEY)", stream=5)
        r = w.Reader(f.body)
        assert r.int() == 0x2400
        r.string()
        assert (r.string(), r.string()) == (keyspace, "raw_err")
        f = c.query(f"CREATE KEYSPACE {keyspace} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}", stream=6)
        r = w.Reader(f.body)
        assert r.int() == 0x2400
        r.string()
        assert (r.string(), r.string()) == (keyspace, "")
        # The connection is still good.
        assert c.query("SELECT key FROM system.local", stream=7).opcode == w.RESULT


def test_execute_unknown_prepared_id(krill_node):
    unknown = bytes(range(16))
    with w.started(krill_node.native_port) as c:
        f = c.request(w.EXECUTE, w.execute_body(unknown), stream=11)
        assert f.opcode == w.ERROR
        r = w.Reader(f.body)
        assert r.int() == 0x2500
        r.string()
        assert r.short_bytes() == unknown
        assert c.query("SELECT key FROM system.local", stream=12).opcode == w.RESULT


def test_prepare_returns_pk_indexes_and_executes(krill_node, session, keyspace):
    session.execute("CREATE TABLE raw_prep (a text, b int, c int, v text, PRIMARY KEY ((a, b), c))")
    with w.started(krill_node.native_port) as c:
        f = c.request(w.PREPARE, w.long_string(
            f"INSERT INTO {keyspace}.raw_prep (c, b, a, v) VALUES (?, ?, ?, ?)"), stream=1)
        assert f.opcode == w.RESULT
        p = w.parse_prepared(f.body)
        assert p["pk_indexes"] == [2, 1]
        assert [s[2] for s in p["bind_specs"]] == ["c", "b", "a", "v"]
        assert [s[3][0] for s in p["bind_specs"]] == [0x0009, 0x0009, 0x000D, 0x000D]
        assert all(s[:2] == (keyspace, "raw_prep") for s in p["bind_specs"])
        values = [struct.pack(">i", 3), struct.pack(">i", 2), b"aa", b"vee"]
        f = c.request(w.EXECUTE, w.execute_body(p["id"], values), stream=2)
        assert f.opcode == w.RESULT and w.Reader(f.body).int() == w.VOID
        # Preparing the same text again returns the same id.
        f = c.request(w.PREPARE, w.long_string(
            f"INSERT INTO {keyspace}.raw_prep (c, b, a, v) VALUES (?, ?, ?, ?)"), stream=3)
        assert w.parse_prepared(f.body)["id"] == p["id"]
    row = session.execute("SELECT v FROM raw_prep WHERE a = 'aa' AND b = 2 AND c = 3").one()
    assert row is not None and row.v == "vee"


def test_ddl_result_and_schema_change_events(krill_node, keyspace):
    with w.started(krill_node.native_port) as listener, w.started(krill_node.native_port) as ddl:
        f = listener.request(w.REGISTER, w.string_list(
            ["SCHEMA_CHANGE", "TOPOLOGY_CHANGE", "STATUS_CHANGE"]), stream=1)
        assert f.opcode == w.READY

        f = ddl.query(f"CREATE TABLE {keyspace}.raw_evt (k int PRIMARY KEY)", stream=1)
        assert f.opcode == w.RESULT
        r = w.Reader(f.body)
        assert r.int() == w.SCHEMA_CHANGE
        assert [r.string() for _ in range(4)] == ["CREATED", "TABLE", keyspace, "raw_evt"]

        ev = listener.recv_frame(10)
        assert (ev.version, ev.stream, ev.opcode) == (0x84, -1, w.EVENT)
        r = w.Reader(ev.body)
        assert [r.string() for _ in range(5)] == ["SCHEMA_CHANGE", "CREATED", "TABLE", keyspace, "raw_evt"]

        f = ddl.query("CREATE KEYSPACE raw_evt_ks WITH replication = "
                      "{'class': 'SimpleStrategy', 'replication_factor': 1}", stream=2)
        r = w.Reader(f.body)
        assert r.int() == w.SCHEMA_CHANGE
        assert [r.string() for _ in range(3)] == ["CREATED", "KEYSPACE", "raw_evt_ks"]
        ev = listener.recv_frame(10)
        r = w.Reader(ev.body)
        assert [r.string() for _ in range(4)] == ["SCHEMA_CHANGE", "CREATED", "KEYSPACE", "raw_evt_ks"]

        ddl.query(f"DROP TABLE {keyspace}.raw_evt", stream=3)
        ev = listener.recv_frame(10)
        r = w.Reader(ev.body)
        assert [r.string() for _ in range(5)] == ["SCHEMA_CHANGE", "DROPPED", "TABLE", keyspace, "raw_evt"]
        ddl.query("DROP KEYSPACE raw_evt_ks", stream=4)
        ev = listener.recv_frame(10)
        r = w.Reader(ev.body)
        assert [r.string() for _ in range(4)] == ["SCHEMA_CHANGE", "DROPPED", "KEYSPACE", "raw_evt_ks"]

        # The unregistered connection received no events: its next frame answers its request.
        f = ddl.query("SELECT key FROM system.local", stream=5)
        assert f.opcode == w.RESULT and f.stream == 5


# ------------------------------------------------------------------ robustness
GARBAGE = {
    "http-request": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "zeros": b"\x00" * 64,
    "random": bytes((i * 73 + 41) % 256 for i in range(512)),
    "unknown-opcode": w.frame_bytes(0x7F, b"", stream=1),
    "response-opcode": w.frame_bytes(w.RESULT, w.int32(1), stream=1),
    "negative-length": struct.pack(">BBhBi", 4, 0, 1, w.OPTIONS, -1),
    "truncated-startup": struct.pack(">BBhBi", 4, 0, 1, w.STARTUP, 100) + b"\x00\x01",
    "bad-startup-body": w.frame_bytes(w.STARTUP, b"\xff\xff\xff", stream=1),
    "response-version-byte": w.frame_bytes(w.OPTIONS, version=0x84, stream=1),
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_bytes_never_crash(krill_node, name):
    payload = GARBAGE[name]
    with w.RawConnection(krill_node.native_port, timeout=5) as c:
        try:
            c.send(payload)
            if name == "truncated-startup":
                pass  # the server is waiting for the rest; we hang up below
            else:
                # Within 5 s: an ERROR frame, or the connection is closed.
                try:
                    f = c.recv_frame(5)
                    assert f.opcode == w.ERROR, f"garbage {name!r} answered with opcode {f.opcode:#x}"
                except (w.ConnectionClosed, ConnectionResetError, BrokenPipeError):
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert_serving(krill_node)


def test_garbage_after_startup_keeps_other_clients_served(krill_node):
    bystander = w.started(krill_node.native_port)
    try:
        with w.started(krill_node.native_port) as c:
            try:
                c.send(bytes((i * 31 + 7) % 256 for i in range(4096)))
                c.wait_closed(3)
            except (BrokenPipeError, ConnectionResetError):
                pass
        assert bystander.query("SELECT key FROM system.local", stream=9).opcode == w.RESULT
    finally:
        bystander.close()
    assert_serving(krill_node)


def test_oversized_frame_default_limit(krill_node):
    bystander = w.started(krill_node.native_port)
    try:
        frame, error = w.send_oversized_frame(krill_node.native_port, TOO_BIG_DEFAULT, stream=5)
        assert frame is not None, f"no error response to a frame above 256 MB (got {error!r})"
        assert frame.opcode == w.ERROR and frame.stream == 5 and frame.version == 0x84, frame
        code, message = frame.error()
        assert code in (0x2200, 0x000A), f"error code {code:#06x}: {message}"
        assert message
        krill_node.assert_alive()
        # Other clients keep being served.
        assert bystander.query("SELECT key FROM system.local", stream=6).opcode == w.RESULT
        assert_serving(krill_node)
    finally:
        bystander.close()
