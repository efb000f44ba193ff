"""`krill load`: bulk CSV ingestion through SST files, read back with the Python driver.

Loads into a running node (HTTP API) and into a stopped node's data directory; checks that
loaded rows read back exactly like the same INSERTs (values, writetime, overwrite rules,
after compaction), that a malformed row names file:line and loads nothing, and the
unhappy paths (unknown table, bad options, a running node's data dir).
"""

import datetime
import subprocess
import uuid
import urllib.request
from decimal import Decimal  # noqa: F401  (documents the types used)

import pytest

import krill_harness as kh

TIMEOUT = 120


def load(node, ks, table, files, *args, data_dir=None):
    cmd = [kh.krill_bin(), "load", "--keyspace", ks, "--table", table, "--no-progress"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    else:
        cmd += ["--http-port", str(node.http_port)]
    cmd += list(args) + [str(f) for f in files]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.fixture(scope="module")
def types_table(session, keyspace):
    session.execute("""CREATE TABLE typed (
        k text, c int, b bigint, ip inet, ts timestamp, u uuid, flag boolean, d double, raw blob,
        tags list<text>, PRIMARY KEY (k, c))""")
    return "typed"


def test_loads_every_type_into_running_node(krill_node, session, keyspace, types_table, tmp_path):
    u = uuid.UUID("0b1e7a2c-1f2d-4e3a-9b8c-0123456789ab")
    csv = write(tmp_path, "typed.csv",
                "k,c,b,ip,ts,u,flag,d,raw,tags\n"
                f"alpha,1,9000000000,10.1.2.3,2024-05-06T07:08:09Z,{u},true,1.5,0xcafe,\"[\"\"a\"\",\"\"b\"\"]\"\n"
                "alpha,2,-1,::1,1700000000000,,FALSE,-0.25,0x,\n"
                "\"be,ta\",7,,,,,,,,\n")
    r = load(krill_node, keyspace, types_table, [csv], "--header", "--verbose")
    assert r.returncode == 0, r.stderr
    assert f"Loaded 3 rows into {keyspace}.{types_table}" in r.stdout
    rows = {(row.k, row.c): row for row in session.execute(f"SELECT * FROM {types_table}")}
    assert len(rows) == 3
    a1 = rows[("alpha", 1)]
    assert a1.b == 9000000000 and a1.ip == "10.1.2.3" and a1.u == u and a1.flag is True
    assert a1.ts == datetime.datetime(2024, 5, 6, 7, 8, 9)
    assert a1.d == 1.5 and a1.raw == b"\xca\xfe" and a1.tags == ["a", "b"]
    a2 = rows[("alpha", 2)]
    assert a2.b == -1 and a2.ip == "::1" and a2.flag is False and a2.u is None and a2.raw == b""
    assert a2.ts == datetime.datetime(2023, 11, 14, 22, 13, 20)
    beta = rows[("be,ta", 7)]
    assert beta.b is None and beta.tags is None
    # The row marker exists: a row with only key columns is still a row.
    assert session.execute(f"SELECT count(*) FROM {types_table} WHERE k = 'be,ta'").one()[0] == 1


def test_loaded_rows_equal_inserted_rows(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE same (k int PRIMARY KEY, v text, n int)")
    ts = 1_600_000_000_000_000
    session.execute(f"INSERT INTO same (k, v, n) VALUES (1, 'x', null) USING TIMESTAMP {ts}")
    csv = write(tmp_path, "same.csv", "2,x,\n")
    r = load(krill_node, keyspace, "same", [csv], "--columns", "k,v,n", "--timestamp", str(ts))
    assert r.returncode == 0, r.stderr
    got = {row.k: row for row in session.execute("SELECT k, v, n, writetime(v) AS w FROM same")}
    assert got[1].v == got[2].v == "x" and got[1].n is None and got[2].n is None
    assert got[1].w == got[2].w == ts


def test_overwrite_follows_timestamps(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE ow (k int PRIMARY KEY, a text, b text)")
    session.execute("INSERT INTO ow (k, a, b) VALUES (1, 'old-a', 'old-b') USING TIMESTAMP 1000")
    session.execute("INSERT INTO ow (k, a, b) VALUES (2, 'newer', 'keep') USING TIMESTAMP 5000")
    session.execute("INSERT INTO ow (k, a) VALUES (3, 'untouched')")
    # Only column a is loaded: b keeps its value; row 2's newer cell wins over the load.
    csv = write(tmp_path, "ow.csv", "k,a\n1,loaded\n2,loaded\n1,loaded-again\n")
    r = load(krill_node, keyspace, "ow", [csv], "--header", "--columns", "k,a", "--timestamp", "2000")
    assert r.returncode == 0, r.stderr
    assert "Loaded 3 rows" in r.stdout

    def check():
        got = {row.k: (row.a, row.b) for row in session.execute("SELECT k, a, b FROM ow")}
        assert got[1] == ("loaded-again", "old-b")  # later line of the file wins; b kept
        assert got[2] == ("newer", "keep")
        assert got[3] == ("untouched", None)

    check()
    # Same answers once flushed and compacted (merge operands folded into values).
    for op in ("keyspace_flush", "keyspace_compaction"):
        with urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{krill_node.http_port}/storage_service/{op}/{keyspace}",
                method="POST"), timeout=60) as resp:
            assert resp.status == 200
        check()


def test_malformed_row_names_line_and_loads_nothing(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE strict (k int PRIMARY KEY, v int)")
    good = "".join(f"{i},{i}\n" for i in range(1000))
    csv = write(tmp_path, "bad.csv", "k,v\n" + good + "1000,12x\n1001,1\n")
    r = load(krill_node, keyspace, "strict", [csv], "--header")
    assert r.returncode == 1
    assert f"{csv}:1002: field 2 (v)" in r.stderr, r.stderr
    assert "Nothing was loaded" in r.stderr
    assert session.execute("SELECT count(*) FROM strict").one()[0] == 0

    for text, needle in [("1,2,3\n", ":1: expected 2 fields, got 3"),
                         ("1,\"open\n", "malformed CSV: unterminated"),
                         (",5\n", "field 1 (k): Invalid null value for primary key column k")]:
        bad = write(tmp_path, "bad2.csv", text)
        r = load(krill_node, keyspace, "strict", [bad])
        assert r.returncode == 1 and needle in r.stderr, r.stderr
    assert session.execute("SELECT count(*) FROM strict").one()[0] == 0
    # The staging directory is cleaned up after failures.
    staging = krill_node.data_dir / "staging"
    assert not staging.exists() or list(staging.iterdir()) == []


def test_unhappy_paths(krill_node, session, keyspace, tmp_path):
    csv = write(tmp_path, "one.csv", "1,1\n")
    r = load(krill_node, keyspace, "no_such_table", [csv])
    assert r.returncode == 1 and f"unknown table {keyspace}.no_such_table" in r.stderr
    r = load(krill_node, "no_such_ks", "t", [csv])
    assert r.returncode == 1 and "unknown keyspace no_such_ks" in r.stderr
    r = load(krill_node, keyspace, "strict", [tmp_path / "missing.csv"])
    assert r.returncode == 1 and "cannot open" in r.stderr
    r = load(krill_node, keyspace, "strict", [csv], "--columns", "v")
    assert r.returncode == 1 and "Primary key columns missing" in r.stderr
    r = load(krill_node, keyspace, "strict", [csv], "--memory", "banana")
    assert r.returncode == 2 and "bad --memory" in r.stderr
    session.execute("CREATE TABLE counted (k int PRIMARY KEY, n counter)")
    r = load(krill_node, keyspace, "counted", [csv])
    assert r.returncode == 1 and "counter" in r.stderr
    session.execute("CREATE TABLE indexed (k int PRIMARY KEY, v int)")
    session.execute("CREATE INDEX ON indexed (v)")
    r = load(krill_node, keyspace, "indexed", [csv])
    assert r.returncode == 1 and "secondary indexes" in r.stderr
    # The data dir of a running node is locked.
    r = load(krill_node, keyspace, "strict", [csv], data_dir=krill_node.data_dir)
    assert r.returncode == 1 and "running" in r.stderr, r.stderr
    # An empty file loads nothing and succeeds.
    empty = write(tmp_path, "empty.csv", "")
    r = load(krill_node, keyspace, "strict", [empty])
    assert r.returncode == 0 and "Loaded 0 rows" in r.stdout
    # The ingest endpoint refuses paths outside the staging directory.
    req = urllib.request.Request(
        f"http://127.0.0.1:{krill_node.http_port}/krill/load?keyspace={keyspace}&table=strict&path=/etc",
        method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 400


def test_spilled_sort_and_write_path(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE big (k text PRIMARY KEY, v bigint)")
    n = 60000
    csv = write(tmp_path, "big.csv", "".join(f"key{i},{i}\n" for i in range(n)) + "key7,-7\n")
    # A small memory budget forces sorted runs on disk and a k-way merge.
    r = load(krill_node, keyspace, "big", [csv], "--memory", "16M", "--sst-size", "1M", "--verbose")
    assert r.returncode == 0, r.stderr
    assert session.execute("SELECT count(*) FROM big").one()[0] == n
    assert session.execute("SELECT v FROM big WHERE k = 'key7'").one().v == -7
    assert session.execute("SELECT v FROM big WHERE k = 'key59999'").one().v == 59999
    # The normal write path gives the same table.
    session.execute("CREATE TABLE big2 (k text PRIMARY KEY, v bigint)")
    r = load(krill_node, keyspace, "big2", [csv], "--write-path", "--cql-port", str(krill_node.native_port),
             "--report-every", "20000")
    assert r.returncode == 0, r.stderr
    assert "rows 1-20000:" in r.stdout and "through the write path" in r.stdout
    assert session.execute("SELECT count(*) FROM big2").one()[0] == n
    assert session.execute("SELECT v FROM big2 WHERE k = 'key7'").one().v == -7


def test_load_into_stopped_node(node_factory, tmp_path):
    node = node_factory.create("stopped")
    cluster = kh.make_cluster(node.native_port)
    s = cluster.connect()
    s.execute("CREATE KEYSPACE bl WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    s.execute("CREATE TABLE bl.ips (ip inet PRIMARY KEY, first_seen timestamp, source text)")
    s.execute("INSERT INTO bl.ips (ip, source) VALUES ('192.0.2.1', 'insert')")
    cluster.shutdown()
    assert node.stop() == 0
    csv = write(tmp_path, "ips.csv", "ip,first_seen,source\n192.0.2.2,2020-01-01,rbl\n2001:db8::7,,honeypot\n")
    r = load(node, "bl", "ips", [csv], "--header", data_dir=node.data_dir)
    assert r.returncode == 0, r.stderr
    assert "Loaded 2 rows into bl.ips" in r.stdout
    node.start()
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        got = {row.ip: row.source for row in s.execute("SELECT ip, source FROM bl.ips")}
        assert got == {"192.0.2.1": "insert", "192.0.2.2": "rbl", "2001:db8::7": "honeypot"}
    finally:
        cluster.shutdown()
    r = load(node, "bl", "ips", [csv], data_dir=tmp_path / "nowhere")
    assert r.returncode == 1 and "no Krill database" in r.stderr
