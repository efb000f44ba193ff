"""Durability: commit-log modes, snapshots and restore, request memory budget.

The long crash test (kill -9 under concurrent writers, every mode) is
tests/durability/crash_test.py; these are the quick checks.
"""

import shutil

import pytest
from cassandra.concurrent import execute_concurrent_with_args

import krill_harness as kh
import krill_wire as kw

KS = "dur"


def connect(node):
    c = kh.make_cluster(node.native_port)
    return c, c.connect()


def make_table(session, table="kv"):
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {KS} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute(f"CREATE TABLE IF NOT EXISTS {KS}.{table} (k int PRIMARY KEY, v text)")


@pytest.mark.parametrize("mode", ["periodic", "batch", "group"])
def test_acknowledged_writes_survive_kill9_in_every_mode(node_factory, mode):
    node = node_factory.create(f"mode_{mode}", config_text=(
        f"commitlog_sync: {mode}\ncommitlog_sync_period_in_ms: 50\ncommitlog_sync_group_window: 2ms\n"))
    assert f"commitlog_sync {mode}" in node.log_text()
    cluster, session = connect(node)
    try:
        make_table(session)
        ins = session.prepare(f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
        results = execute_concurrent_with_args(session, ins, [(i, f"v{i}") for i in range(300)],
                                               concurrency=32)
        assert all(r.success for r in results)
    finally:
        cluster.shutdown()
    node.kill9()
    node.start()
    cluster, session = connect(node)
    try:
        rows = {r.k: r.v for r in session.execute(f"SELECT k, v FROM {KS}.kv")}
        assert rows == {i: f"v{i}" for i in range(300)}
    finally:
        cluster.shutdown()


def test_bad_commitlog_sync_stops_startup(node_factory):
    node = node_factory.create("bad_mode", start=False, config_text="commitlog_sync: sometimes\n")
    with pytest.raises(kh.KrillStartupError) as err:
        node.start(timeout=15)
    assert "commitlog_sync" in str(err.value)


def test_drop_table_snapshot_restores_data_and_schema(node_factory):
    node = node_factory.create("snap")
    cluster, session = connect(node)
    try:
        make_table(session)
        ins = session.prepare(f"INSERT INTO {KS}.kv (k, v) VALUES (?, ?)")
        for i in range(100):
            session.execute(ins, (i, f"v{i}"))
        session.execute(f"DROP TABLE {KS}.kv")  # auto_snapshot (default true)
        assert "kv" not in cluster.metadata.keyspaces[KS].tables
    finally:
        cluster.shutdown()
    assert node.stop() == 0
    snaps = sorted((node.data_dir / "snapshots").iterdir())
    dropped = [p for p in snaps if "-dropped-" in p.name]
    assert len(dropped) == 1, snaps
    # Restore (docs/storage.md): with the node stopped, replace db/ with the snapshot.
    shutil.rmtree(node.data_dir / "db")
    shutil.copytree(dropped[0], node.data_dir / "db")
    node.start()
    cluster, session = connect(node)
    try:
        assert "kv" in cluster.metadata.keyspaces[KS].tables
        rows = {r.k: r.v for r in session.execute(f"SELECT k, v FROM {KS}.kv")}
        assert rows == {i: f"v{i}" for i in range(100)}
    finally:
        cluster.shutdown()


def test_truncate_snapshots_unless_auto_snapshot_is_off(node_factory):
    on = node_factory.create("snap_on")
    off = node_factory.create("snap_off", config_text="auto_snapshot: false\n")
    for node in (on, off):
        cluster, session = connect(node)
        try:
            make_table(session)
            session.execute(f"INSERT INTO {KS}.kv (k, v) VALUES (1, 'a')")
            session.execute(f"TRUNCATE {KS}.kv")
            assert list(session.execute(f"SELECT * FROM {KS}.kv")) == []
            session.execute(f"DROP KEYSPACE {KS}")
        finally:
            cluster.shutdown()
    names = [p.name for p in (on.data_dir / "snapshots").iterdir()]
    assert sum("-truncated-" in n for n in names) == 1 and sum("-dropped-" in n for n in names) == 1, names
    assert not (off.data_dir / "snapshots").exists()


def test_request_memory_budget_answers_overloaded(node_factory):
    # 2 x 40 KB body + 8 KiB per request: one fits in 100 KB, two do not.
    node = node_factory.create("membudget", config_text="native_transport_max_request_data_in_flight: 100K\n")
    with kw.started(node.native_port) as c:
        f = c.query(f"CREATE KEYSPACE {KS} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        assert f.opcode == kw.RESULT, f.body
        f = c.query(f"CREATE TABLE {KS}.kv (k int PRIMARY KEY, v text)")
        assert f.opcode == kw.RESULT, f.body
        big = "x" * 40000
        n = 40
        data = b"".join(kw.frame_bytes(kw.QUERY, kw.query_body(f"INSERT INTO {KS}.kv (k, v) VALUES ({i}, '{big}')"),
                                       stream=10 + i) for i in range(n))
        c.send(data)
        codes = []
        for _ in range(n):
            f = c.recv_frame(timeout=30)
            codes.append(f.error()[0] if f.opcode == kw.ERROR else 0)
        assert codes.count(0x1001) > 0, codes                # OVERLOADED
        assert set(codes) <= {0, 0x1001}, codes
        assert codes.count(0) > 0, codes
        # The budget is released: sequential requests all pass.
        for i in range(5):
            f = c.query(f"INSERT INTO {KS}.kv (k, v) VALUES ({i}, '{big}')", stream=2)
            assert f.opcode == kw.RESULT, f.body
    node.assert_alive()

