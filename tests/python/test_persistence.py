"""Data and schema survive a clean restart (SIGTERM) and a crash (kill -9)."""

import threading

from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement

import krill_harness as kh


def connect(node):
    c = kh.make_cluster(node.native_port)
    return c, c.connect()


def all_rows(session, cql, fetch_size=1000):
    return list(session.execute(SimpleStatement(cql, fetch_size=fetch_size)))


def test_sigterm_restart_keeps_schema_and_data(node_factory):
    node = node_factory.create("restart")
    cluster, session = connect(node)
    try:
        session.execute("CREATE KEYSPACE p_simple WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE KEYSPACE p_nts WITH replication = "
                        "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}")
        session.execute("""CREATE TABLE p_simple.events (
                               tenant text, bucket int, ts bigint, body text, n varint,
                               PRIMARY KEY ((tenant, bucket), ts)
                           ) WITH CLUSTERING ORDER BY (ts DESC)""")
        session.execute("CREATE TABLE p_nts.kv (k int PRIMARY KEY, v blob)")
        session.execute("CREATE TABLE p_simple.dropped (k int PRIMARY KEY)")
        session.execute("DROP TABLE p_simple.dropped")

        ins = session.prepare("INSERT INTO p_simple.events (tenant, bucket, ts, body, n) "
                              "VALUES (?, ?, ?, ?, ?)")
        args = [(f"t{i % 5}", i % 3, i, f"body-{i}", 2**80 + i) for i in range(1500)]
        assert all(r.success for r in execute_concurrent_with_args(session, ins, args, concurrency=50))
        expected = {(a[0], a[1], a[2]): (a[3], a[4]) for a in args}
        # Overwrites, cell deletions, row deletions and a partition deletion must all persist.
        session.execute("UPDATE p_simple.events SET body = 'changed' WHERE tenant = 't0' AND bucket = 0 AND ts = 0")
        expected[("t0", 0, 0)] = ("changed", 2**80)
        session.execute("DELETE body FROM p_simple.events WHERE tenant = 't1' AND bucket = 1 AND ts = 1")
        expected[("t1", 1, 1)] = (None, 2**80 + 1)
        session.execute("DELETE FROM p_simple.events WHERE tenant = 't2' AND bucket = 2 AND ts = 2")
        del expected[("t2", 2, 2)]
        session.execute("DELETE FROM p_simple.events WHERE tenant = 't3' AND bucket = 0")
        expected = {k: v for k, v in expected.items() if k[:2] != ("t3", 0)}
        for k in range(100):
            session.execute("INSERT INTO p_nts.kv (k, v) VALUES (%s, %s)", (k, bytes([k]) * k))
        sel = session.prepare("SELECT body FROM p_simple.events WHERE tenant = ? AND bucket = ? AND ts = ?")

        rc = node.stop()
        assert rc == 0, f"SIGTERM must drain and exit 0, got {rc}\n{node.log_tail()}"
        node.start()

        # The old session reconnects by itself; its prepared statement is re-prepared on demand.
        def old_session_works():
            return session.execute(sel, ("t0", 0, 0)).one().body == "changed"
        kh.wait_until(old_session_works, 30, interval=0.5,
                      message="the pre-restart session to reconnect and re-prepare")

        c2, s2 = connect(node)
        try:
            ks = c2.metadata.keyspaces
            assert dict(s2.execute("SELECT replication FROM system_schema.keyspaces "
                                   "WHERE keyspace_name = 'p_nts'").one().replication) == {
                "class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "datacenter1": "1"}
            assert ks["p_simple"].replication_strategy.replication_factor == 1
            tm = ks["p_simple"].tables["events"]
            assert [c.name for c in tm.partition_key] == ["tenant", "bucket"]
            assert [(c.name, c.is_reversed) for c in tm.clustering_key] == [("ts", True)]
            assert {n: c.cql_type for n, c in tm.columns.items()} == {
                "tenant": "text", "bucket": "int", "ts": "bigint", "body": "text", "n": "varint"}
            assert "dropped" not in ks["p_simple"].tables
            assert set(ks["p_nts"].tables) == {"kv"}

            rows = all_rows(s2, "SELECT tenant, bucket, ts, body, n FROM p_simple.events")
            got = {(r.tenant, r.bucket, r.ts): (r.body, r.n) for r in rows}
            assert len(rows) == len(got)
            assert got == expected
            # Clustering order is still DESC.
            ts = [r.ts for r in s2.execute(
                "SELECT ts FROM p_simple.events WHERE tenant = 't4' AND bucket = 1")]
            assert ts == sorted(ts, reverse=True) and len(ts) == 100
            kv = {r.k: r.v for r in all_rows(s2, "SELECT k, v FROM p_nts.kv")}
            assert kv == {k: bytes([k]) * k for k in range(100)}

            # Writes after the restart work and survive a second restart.
            s2.execute("INSERT INTO p_nts.kv (k, v) VALUES (1000, 0xff)")
        finally:
            c2.shutdown()
        node.restart()
        c3, s3 = connect(node)
        try:
            assert s3.execute("SELECT v FROM p_nts.kv WHERE k = 1000").one().v == b"\xff"
            assert len(all_rows(s3, "SELECT k FROM p_nts.kv")) == 101
        finally:
            c3.shutdown()
    finally:
        cluster.shutdown()


def test_kill9_keeps_acknowledged_writes(node_factory):
    node = node_factory.create("crash")
    cluster, session = connect(node)
    acked = []
    writer_error = []
    stop = threading.Event()
    try:
        session.execute("CREATE KEYSPACE crash WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE crash.kv (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
        ins = session.prepare("INSERT INTO crash.kv (pk, ck, v) VALUES (?, ?, ?)")
        batch1 = [(i % 40, i, f"a{i}") for i in range(3000)]
        assert all(r.success for r in execute_concurrent_with_args(session, ins, batch1, concurrency=64))
        for i in range(0, 3000, 100):
            session.execute("DELETE FROM crash.kv WHERE pk = %s AND ck = %s", (i % 40, i))
        session.execute("CREATE TABLE crash.late (k int PRIMARY KEY, v int)")
        session.execute("INSERT INTO crash.late (k, v) VALUES (1, 1)")

        # Keep writing while the process is killed; only acknowledged writes are required.
        def writer():
            i = 0
            while not stop.is_set() and i < 1_000_000:
                try:
                    session.execute(ins, (1000 + i % 13, i, f"b{i}"), timeout=5)
                except Exception as exc:  # noqa: BLE001 - the kill makes writes fail
                    writer_error.append(exc)
                    return
                acked.append(i)
                i += 1

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        kh.wait_until(lambda: len(acked) >= 300, 30, interval=0.02,
                      message="300 acknowledged writes from the background writer")
        node.kill9()
        stop.set()
        t.join(30)
        assert not t.is_alive(), "writer thread did not stop"
        acked_now = list(acked)
    finally:
        stop.set()
        cluster.shutdown()

    node.start()
    c2, s2 = connect(node)
    try:
        rows = all_rows(s2, "SELECT pk, ck, v FROM crash.kv")
        got = {(r.pk, r.ck): r.v for r in rows}
        missing1 = [a for a in batch1 if a[1] % 100 != 0 and got.get((a[0], a[1])) != a[2]]
        assert not missing1, f"{len(missing1)} acknowledged writes lost, e.g. {missing1[:5]}"
        resurrected = [i for i in range(0, 3000, 100) if (i % 40, i) in got]
        assert not resurrected, f"acknowledged deletes lost: {resurrected[:5]}"
        missing2 = [i for i in acked_now if got.get((1000 + i % 13, i)) != f"b{i}"]
        assert not missing2, (f"{len(missing2)} of {len(acked_now)} acknowledged in-flight writes "
                              f"lost, e.g. {missing2[:5]}")
        assert s2.execute("SELECT v FROM crash.late WHERE k = 1").one().v == 1
        assert "late" in c2.metadata.keyspaces["crash"].tables
    finally:
        c2.shutdown()
    rc = node.stop()
    assert rc == 0, node.log_tail()
