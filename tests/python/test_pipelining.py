"""Many requests pipelined on one connection, sent in one TCP write.

The server decodes every frame a read holds, runs them on the request pool in tasks and
answers each on its stream (docs/performance.md, "The request path"). These tests mix
requests that the reactor answers itself (OPTIONS), requests refused before they run
(an oversized frame, OVERLOADED past a limit) and statements, and check that every stream
gets exactly one answer, that refused writes are not applied and that accepted writes are.
"""

import os
import struct
import subprocess
import tempfile

import pytest

import krill_harness as kh
import krill_wire as kw

KS = "pipe"
OVERLOADED = 0x1001
PROTOCOL_ERROR = 0x000A
WRITE_FAILURE = 0x1500
SERVER_ERROR = 0x0000


def create_table(c):
    f = c.query(f"CREATE KEYSPACE IF NOT EXISTS {KS} WITH replication = "
                "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    assert f.opcode == kw.RESULT, f.body
    f = c.query(f"CREATE TABLE IF NOT EXISTS {KS}.kv (k int PRIMARY KEY, v text)")
    assert f.opcode == kw.RESULT, f.body


def prepare(c, cql, stream=1):
    f = c.request(kw.PREPARE, kw.long_string(cql), stream)
    assert f.opcode == kw.RESULT, f.body
    return kw.parse_prepared(f.body)["id"]


def int_value(i):
    return struct.pack(">i", i)


def collect(c, streams, timeout=30):
    """One frame per stream in `streams`; fails on a duplicate or unexpected stream."""
    answers = {}
    for _ in range(len(streams)):
        f = c.recv_frame(timeout=timeout)
        assert f.stream in streams, f"answer on unexpected stream {f.stream}"
        assert f.stream not in answers, f"stream {f.stream} answered twice"
        answers[f.stream] = f
    return answers


def read_values(c, select_id, keys, first_stream=1000, chunk=16):
    """{k: v or None} for keys, read with pipelined TCP writes of `chunk` EXECUTEs."""
    if len(keys) > chunk:
        out = {}
        for i in range(0, len(keys), chunk):
            out.update(read_values(c, select_id, keys[i:i + chunk], first_stream, chunk))
        return out
    streams = {first_stream + i: k for i, k in enumerate(keys)}
    c.send(b"".join(kw.frame_bytes(kw.EXECUTE, kw.execute_body(select_id, [int_value(k)]), stream=s)
                    for s, k in streams.items()))
    out = {}
    for s, f in collect(c, set(streams)).items():
        assert f.opcode == kw.RESULT, f.body
        _, rows, _ = kw.parse_rows(f.body)
        out[streams[s]] = rows[0][0].decode() if rows else None
    return out


@pytest.fixture(scope="module")
def pipe_node():
    # Small tasks so that one read's requests are split over several pool tasks.
    factory = kh.NodeFactory()
    try:
        node = factory.create("pipe", config_text=(
            "native_transport_max_frame_size_in_mb: 1\n"
            "native_transport_requests_per_task: 4\n"))
        yield node
        node.assert_alive()
    finally:
        factory.cleanup()


def test_pipelined_writes_with_oversized_frame_and_options(pipe_node):
    with kw.started(pipe_node.native_port) as c:
        create_table(c)
        ins = prepare(c, f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
        sel = prepare(c, f"SELECT v FROM {KS}.kv WHERE k = ?")
        data = b""
        expected = {}
        for i in range(120):
            stream = 10 + i
            if i == 50:  # declared over the 1 MiB limit: refused, body skipped, connection kept
                data += struct.pack(">BBhBi", 4, 0, stream, kw.QUERY, (1 << 20) + 10) + b"\0" * ((1 << 20) + 10)
                expected[stream] = "too big"
            elif i == 70:  # answered by the reactor itself, between statements
                data += kw.frame_bytes(kw.OPTIONS, stream=stream)
                expected[stream] = "supported"
            else:
                data += kw.frame_bytes(kw.EXECUTE, kw.execute_body(ins, [int_value(i), f"v{i}".encode()]),
                                       stream=stream)
                expected[stream] = "void"
        c.send(data)  # one sendall: the server sees many frames per read
        answers = collect(c, set(expected))
        for stream, want in expected.items():
            f = answers[stream]
            if want == "too big":
                code, msg = f.error()
                assert code == PROTOCOL_ERROR and "too big" in msg, (code, msg)
            elif want == "supported":
                assert f.opcode == kw.SUPPORTED
            else:
                assert f.opcode == kw.RESULT, f.body
                assert kw.Reader(f.body).int() == kw.VOID
        values = read_values(c, sel, [i for i in range(120) if i not in (50, 70)])
        assert values == {i: f"v{i}" for i in values}


def test_frames_split_across_reads_and_larger_than_the_read_buffer(pipe_node):
    with kw.started(pipe_node.native_port) as c:
        create_table(c)
        ins = prepare(c, f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
        sel = prepare(c, f"SELECT v FROM {KS}.kv WHERE k = ?")
        big = "b" * (300 * 1024)  # over the 16 KiB read buffer: it grows for this frame
        frames = [kw.frame_bytes(kw.EXECUTE, kw.execute_body(ins, [int_value(1000), big.encode()]), stream=1),
                  kw.frame_bytes(kw.EXECUTE, kw.execute_body(ins, [int_value(1001), b"small"]), stream=2)]
        data = b"".join(frames)
        # Dribble the first 100 bytes (header and body split over reads), then the rest.
        for i in range(100):
            c.send(data[i:i + 1])
        c.send(data[100:])
        answers = collect(c, {1, 2})
        assert all(f.opcode == kw.RESULT for f in answers.values())
        assert read_values(c, sel, [1000, 1001]) == {1000: big, 1001: "small"}


def test_request_memory_overloaded_in_a_pipeline_applies_only_accepted_writes(node_factory):
    # 2 x 40 KB + 8 KiB per request: two fit in 200 KB, a whole pipeline does not. Writes run
    # on the request pool here: run on the reactor, each would be done before the next is read.
    node = node_factory.create("pipemem", config_text="native_transport_max_request_data_in_flight: 200K\n"
                                                      "native_transport_inline_execution: false\n")
    with kw.started(node.native_port) as c:
        create_table(c)
        ins = prepare(c, f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
        sel = prepare(c, f"SELECT v FROM {KS}.kv WHERE k = ?")
        big = "x" * 40000
        n = 60
        c.send(b"".join(
            kw.frame_bytes(kw.EXECUTE, kw.execute_body(ins, [int_value(i), (big if i % 2 else f"s{i}").encode()]),
                           stream=100 + i) for i in range(n)))
        answers = collect(c, {100 + i for i in range(n)})
        accepted, refused = [], []
        for i in range(n):
            f = answers[100 + i]
            if f.opcode == kw.ERROR:
                code, msg = f.error()
                assert code == OVERLOADED and "Request memory" in msg, (code, msg)
                refused.append(i)
            else:
                assert f.opcode == kw.RESULT, f.body
                accepted.append(i)
        assert refused, "the pipeline should exceed the request memory budget"
        assert accepted, "requests that fit must still run"
        values = read_values(c, sel, list(range(n)), chunk=4)  # under the budget
        for i in accepted:
            assert values[i] == (big if i % 2 else f"s{i}"), i
        for i in refused:
            assert values[i] is None, f"refused write {i} was applied"
    node.assert_alive()


def test_per_connection_limit_in_a_pipeline(node_factory):
    node = node_factory.create("pipelimit", config_text="max_requests_per_connection: 8\n")
    with kw.started(node.native_port) as c:
        create_table(c)
        ins = prepare(c, f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
        sel = prepare(c, f"SELECT v FROM {KS}.kv WHERE k = ?")
        n = 200
        c.send(b"".join(kw.frame_bytes(kw.EXECUTE, kw.execute_body(ins, [int_value(i), f"p{i}".encode()]),
                                       stream=300 + i) for i in range(n)))
        answers = collect(c, {300 + i for i in range(n)})
        accepted = [i for i in range(n) if answers[300 + i].opcode == kw.RESULT]
        refused = [i for i in range(n) if answers[300 + i].opcode == kw.ERROR]
        assert len(accepted) + len(refused) == n
        assert refused and len(accepted) >= 8, (len(accepted), len(refused))
        for i in refused:
            code, msg = answers[300 + i].error()
            assert code == OVERLOADED and "this connection" in msg, (code, msg)
        values = read_values(c, sel, list(range(n)), chunk=8)  # under the limit
        assert all(values[i] == f"p{i}" for i in accepted)
        assert all(values[i] is None for i in refused)
    node.assert_alive()


def test_startup_options_and_queries_in_one_write(pipe_node):
    with kw.RawConnection(pipe_node.native_port) as c:
        c.send(kw.frame_bytes(kw.OPTIONS, stream=1) +
               kw.frame_bytes(kw.STARTUP, kw.string_map({"CQL_VERSION": "3.0.0"}), stream=2) +
               kw.frame_bytes(kw.QUERY, kw.query_body("SELECT release_version FROM system.local"), stream=3) +
               kw.frame_bytes(kw.QUERY, kw.query_body("SELECT nothing FROM nowhere.at_all"), stream=4))
        answers = collect(c, {1, 2, 3, 4})
        assert answers[1].opcode == kw.SUPPORTED
        assert answers[2].opcode == kw.READY
        assert answers[3].opcode == kw.RESULT
        assert answers[4].opcode == kw.ERROR  # an error on its own stream; the others unaffected


@pytest.fixture
def small_fs():
    mount = tempfile.mkdtemp(prefix="krill-pipefs-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", mount], check=False)
        os.rmdir(mount)


def test_full_disk_fails_each_pipelined_write_on_its_stream(small_fs):
    # Writes pipelined on one connection are applied as one storage write per task; when
    # that write fails, each request still gets its own answer, and only acknowledged writes
    # are stored.
    with open(os.path.join(small_fs, "filler"), "wb") as f:
        f.write(b"\0" * (16 << 20))
    node = kh.KrillNode(small_fs, "pipefull", extra_args=["--memory", "64M"])
    node.start()
    try:
        with kw.started(node.native_port) as c:
            create_table(c)
            ins = prepare(c, f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
            blob = b"z" * 50_000
            acked, failed = [], []
            for round_ in range(200):  # bounded: 48 MiB fills long before 200 x 16 x 50 kB
                keys = range(round_ * 16, round_ * 16 + 16)
                c.send(b"".join(kw.frame_bytes(kw.EXECUTE, kw.execute_body(ins, [int_value(k), blob]),
                                               stream=10 + k % 16) for k in keys))
                answers = collect(c, {10 + k % 16 for k in keys})
                for k in keys:
                    f = answers[10 + k % 16]
                    if f.opcode == kw.RESULT:
                        acked.append(k)
                    else:
                        # The write that meets the full disk fails with WRITE_FAILURE; writes
                        # after it are refused until RocksDB has resumed (SERVER_ERROR).
                        code, msg = f.error()
                        assert (code == WRITE_FAILURE and "no space left" in msg.lower()) or \
                            (code == SERVER_ERROR and "disk error" in msg), (code, msg)
                        failed.append(code)
                if failed:
                    break
            assert WRITE_FAILURE in failed, f"the disk never filled: {failed}"
            assert acked, "some writes succeeded before the disk filled"
            f = c.query(f"SELECT count(*) FROM {KS}.kv", stream=3)
            assert f.opcode == kw.RESULT, f.body
            _, rows, _ = kw.parse_rows(f.body)
            assert struct.unpack(">q", rows[0][0])[0] == len(acked)
        assert node.running(), "a full disk must not crash the node"
    finally:
        if node.running():
            node.kill9()
