"""Counters, lightweight transactions and range deletions through the Python driver."""

import krill_harness as kh
import pytest
from cassandra import ConsistencyLevel, InvalidRequest
from cassandra.query import BatchStatement, BatchType, SimpleStatement


def test_counters_add_up(session):
    session.execute("CREATE TABLE counts (k int PRIMARY KEY, hits counter, misses counter)")
    inc = session.prepare("UPDATE counts SET hits = hits + ?, misses = misses - 1 WHERE k = ?")
    for _ in range(10):
        session.execute(inc, (3, 1))
    r = session.execute("SELECT hits, misses FROM counts WHERE k = 1").one()
    assert (r.hits, r.misses) == (30, -10)
    batch = BatchStatement(batch_type=BatchType.COUNTER)
    batch.add(inc, (1, 2))
    batch.add(inc, (1, 2))
    session.execute(batch)
    assert session.execute("SELECT hits FROM counts WHERE k = 2").one().hits == 2


def test_counter_errors(session):
    session.execute("CREATE TABLE counts2 (k int PRIMARY KEY, c counter)")
    with pytest.raises(InvalidRequest, match="not allowed on counter tables"):
        session.execute("INSERT INTO counts2 (k, c) VALUES (1, 1)")
    with pytest.raises(InvalidRequest, match="Cannot set the value of counter"):
        session.execute("UPDATE counts2 SET c = 5 WHERE k = 1")
    with pytest.raises(InvalidRequest, match="timestamp"):
        session.execute("UPDATE counts2 USING TIMESTAMP 5 SET c = c + 1 WHERE k = 1")
    with pytest.raises(InvalidRequest, match="Cannot mix counter"):
        session.execute("CREATE TABLE counts3 (k int PRIMARY KEY, c counter, v int)")
    with pytest.raises(InvalidRequest, match="COUNTER batches"):
        session.execute("BEGIN BATCH UPDATE counts2 SET c = c + 1 WHERE k = 1; APPLY BATCH")


def test_insert_if_not_exists(session):
    session.execute("CREATE TABLE lwt (k int, c int, v text, PRIMARY KEY (k, c))")
    r = session.execute("INSERT INTO lwt (k, c, v) VALUES (1, 1, 'a') IF NOT EXISTS").one()
    assert r.applied is True
    r = session.execute("INSERT INTO lwt (k, c, v) VALUES (1, 1, 'b') IF NOT EXISTS").one()
    assert r.applied is False and r.v == "a"
    assert session.execute("SELECT v FROM lwt WHERE k = 1 AND c = 1").one().v == "a"


def test_conditional_update_and_delete(session):
    session.execute("CREATE TABLE lwt2 (k int PRIMARY KEY, v int, w text)")
    session.execute("INSERT INTO lwt2 (k, v, w) VALUES (1, 10, 'x')")
    r = session.execute("UPDATE lwt2 SET v = 11 WHERE k = 1 IF v = 9").one()
    assert r.applied is False and r.v == 10
    r = session.execute("UPDATE lwt2 SET v = 11 WHERE k = 1 IF v = 10 AND w = 'x'").one()
    assert r.applied is True
    r = session.execute("UPDATE lwt2 SET v = 12 WHERE k = 1 IF v > 100").one()
    assert r.applied is False
    assert session.execute("UPDATE lwt2 SET v = 1 WHERE k = 2 IF EXISTS").one().applied is False
    assert session.execute("SELECT * FROM lwt2 WHERE k = 2").one() is None
    assert session.execute("DELETE FROM lwt2 WHERE k = 1 IF EXISTS").one().applied is True
    assert session.execute("SELECT * FROM lwt2 WHERE k = 1").one() is None
    # Conditions on a missing row compare against null.
    assert session.execute("UPDATE lwt2 SET v = 1 WHERE k = 3 IF v = null").one().applied is True


def test_serial_consistency_and_concurrent_cas(session):
    session.execute("CREATE TABLE lwt3 (k int PRIMARY KEY, owner int)")
    stmt = SimpleStatement("INSERT INTO lwt3 (k, owner) VALUES (1, %s) IF NOT EXISTS",
                           serial_consistency_level=ConsistencyLevel.SERIAL)
    futures = [session.execute_async(stmt, (i,)) for i in range(20)]
    applied = [f.result().one().applied for f in futures]
    assert applied.count(True) == 1, "exactly one contender wins"


def test_conditional_batch_single_partition(session):
    session.execute("CREATE TABLE lwt4 (k int, c int, v int, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO lwt4 (k, c, v) VALUES (1, 1, 1)")
    r = session.execute("BEGIN BATCH UPDATE lwt4 SET v = 2 WHERE k = 1 AND c = 1 IF v = 1; "
                        "INSERT INTO lwt4 (k, c, v) VALUES (1, 2, 2); APPLY BATCH").one()
    assert r.applied is True
    assert [x.v for x in session.execute("SELECT v FROM lwt4 WHERE k = 1")] == [2, 2]
    with pytest.raises(InvalidRequest, match="multiple partitions"):
        session.execute("BEGIN BATCH UPDATE lwt4 SET v = 3 WHERE k = 1 AND c = 1 IF v = 2; "
                        "INSERT INTO lwt4 (k, c, v) VALUES (2, 1, 1); APPLY BATCH")


def test_range_deletions(session):
    session.execute("CREATE TABLE rd (k int, a int, b int, v int, PRIMARY KEY (k, a, b)) "
                    "WITH CLUSTERING ORDER BY (a ASC, b DESC)")
    ins = session.prepare("INSERT INTO rd (k, a, b, v) VALUES (?, ?, ?, ?)")
    for a in range(4):
        for b in range(4):
            session.execute(ins, (1, a, b, a * 10 + b))
    session.execute("DELETE FROM rd WHERE k = 1 AND a = 1")                 # a clustering prefix
    session.execute("DELETE FROM rd WHERE k = 1 AND a = 2 AND b >= 2")      # a slice on a DESC column
    session.execute("DELETE FROM rd WHERE k = 1 AND a > 2")                 # an open-ended slice
    rows = [(r.a, r.b) for r in session.execute("SELECT a, b FROM rd WHERE k = 1")]
    assert rows == [(0, 3), (0, 2), (0, 1), (0, 0), (2, 1), (2, 0)]
    # Data written after a range deletion is visible again.
    session.execute(ins, (1, 1, 5, 15))
    assert session.execute("SELECT v FROM rd WHERE k = 1 AND a = 1").one().v == 15


def test_range_deletion_and_counters_survive_kill9(node_factory):
    node = node_factory.create("ranges")
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        s.execute("CREATE KEYSPACE rdk WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE rdk.t (k int, c int, PRIMARY KEY (k, c))")
        s.execute("CREATE TABLE rdk.n (k int PRIMARY KEY, c counter)")
        for c in range(10):
            s.execute("INSERT INTO rdk.t (k, c) VALUES (1, %s)", (c,))
            s.execute("UPDATE rdk.n SET c = c + 1 WHERE k = 1")
        s.execute("DELETE FROM rdk.t WHERE k = 1 AND c < 5")
    finally:
        cluster.shutdown()
    node.kill9()
    node.start()
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        assert [r.c for r in s.execute("SELECT c FROM rdk.t WHERE k = 1")] == [5, 6, 7, 8, 9]
        assert s.execute("SELECT c FROM rdk.n WHERE k = 1").one().c == 10, "counter increments applied exactly once"
    finally:
        cluster.shutdown()
