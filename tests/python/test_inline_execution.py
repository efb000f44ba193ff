"""EXECUTEs of single-partition SELECTs and plain writes run on the reactor when their data
is in memory (native_transport_inline_execution, docs/performance.md); whatever would wait
(a block not in the cache, an LWT, a view update, a scan) is run again on the request pool.

These tests drive both paths with the Python driver (which prepares its statements) and
check that every answer is right whichever path served it; the two counters
krill_transport_requests_inline_total and krill_transport_requests_deferred_total show
which path ran.
"""

import os
import re

import pytest

import krill_harness as kh
from krill_http import http


def counter(node, name):
    status, text = http(node, "/metrics")
    assert status == 200
    m = re.search(r"^%s (\d+)$" % re.escape(name), text, re.M)
    assert m, f"{name} not in /metrics"
    return int(m.group(1))


def inline(node):
    return counter(node, "krill_transport_requests_inline_total")


def deferred(node):
    return counter(node, "krill_transport_requests_deferred_total")


def connect(node, ks=None):
    cluster = kh.make_cluster(node.native_port)
    return cluster, cluster.connect(ks)


def test_cold_reads_go_to_the_pool_and_hot_reads_stay_inline(node_factory):
    # 64 MiB budget: a 16 MiB block cache (32 MiB with the memtables' share), smaller than
    # the ~40 MiB of values written. (Values stay under 8 KiB: the Python driver takes about
    # 40 ms to send a request of 8 KiB or more, whatever the server.)
    node = node_factory.create("cold", extra_args=["--memory", "64M"])
    cluster, s = connect(node)
    try:
        s.execute("CREATE KEYSPACE il WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE il.kv (k int PRIMARY KEY, v blob)")
        s.execute("CREATE TABLE il.wide (p int, c int, v text, PRIMARY KEY (p, c))")
        ins = s.prepare("INSERT INTO il.kv (k, v) VALUES (?, ?)")
        values = {k: os.urandom(4000) for k in range(10000)}
        for k, v in values.items():
            s.execute(ins, (k, v))
        wide = s.prepare("INSERT INTO il.wide (p, c, v) VALUES (?, ?, ?)")
        for c in range(500):
            s.execute(wide, (1, c, f"row-{c}"))
        assert inline(node) >= 10500  # plain prepared writes ran on the reactors
        status, _ = http(node, "/storage_service/keyspace_flush/il", method="POST")
        assert status == 200
        # One file per table, so that no compaction after the restart replaces the files
        # (and the cached blocks) the reads below warm up.
        status, _ = http(node, "/storage_service/keyspace_compaction/il", method="POST")
        assert status == 200
    finally:
        cluster.shutdown()

    node.restart()  # an empty block cache: every first read needs the disk
    cluster, s = connect(node, "il")
    try:
        before_inline, before_deferred = inline(node), deferred(node)
        sel = s.prepare("SELECT v FROM kv WHERE k = ?")
        for k in range(0, 10000, 7):
            assert s.execute(sel, (k,)).one().v == values[k]
        assert s.execute(sel, (99999,)).one() is None  # absent, whichever path answers
        assert deferred(node) > before_deferred, "cold reads should have been deferred to the pool"

        # The same keys again, now cached: answered inline.
        mid_inline = inline(node)
        for _ in range(3):
            for k in range(0, 140, 7):
                assert s.execute(sel, (k,)).one().v == values[k]
        assert inline(node) - mid_inline >= 40

        # A partition with clustering rows, paged: each page from whichever path, all rows once.
        sel_wide = s.prepare("SELECT c, v FROM wide WHERE p = ?")
        sel_wide.fetch_size = 64
        rows = list(s.execute(sel_wide, (1,)))
        assert [r.c for r in rows] == list(range(500))
        assert all(r.v == f"row-{r.c}" for r in rows)
        assert inline(node) + deferred(node) > before_inline + before_deferred
    finally:
        cluster.shutdown()


def test_statements_that_could_wait_run_on_the_pool_and_are_correct(node_factory):
    node = node_factory.create("kinds")
    cluster, s = connect(node)
    try:
        s.execute("CREATE KEYSPACE ik WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("USE ik")
        s.execute("CREATE TABLE t (k int PRIMARY KEY, v int, l list<int>)")
        s.execute("CREATE TABLE c (k int PRIMARY KEY, n counter)")
        s.execute("CREATE TABLE base (k int PRIMARY KEY, v int)")
        s.execute("CREATE MATERIALIZED VIEW by_v AS SELECT k, v FROM base "
                  "WHERE v IS NOT NULL AND k IS NOT NULL PRIMARY KEY (v, k)")

        d0 = deferred(node)
        lwt = s.prepare("INSERT INTO t (k, v) VALUES (?, ?) IF NOT EXISTS")
        assert s.execute(lwt, (1, 10)).one().applied is True
        assert s.execute(lwt, (1, 11)).one().applied is False
        assert deferred(node) >= d0 + 2  # conditional writes lock a partition: pool

        # A list update that reads the current list first (set by index).
        s.execute("UPDATE t SET l = [1, 2, 3] WHERE k = 1")
        set_index = s.prepare("UPDATE t SET l[1] = ? WHERE k = ?")
        s.execute(set_index, (20, 1))
        assert s.execute("SELECT l FROM t WHERE k = 1").one().l == [1, 20, 3]

        inc = s.prepare("UPDATE c SET n = n + ? WHERE k = ?")
        for _ in range(10):
            s.execute(inc, (5, 7))
        assert s.execute("SELECT n FROM c WHERE k = 7").one().n == 50  # applied once each

        d1 = deferred(node)
        to_base = s.prepare("INSERT INTO base (k, v) VALUES (?, ?)")
        s.execute(to_base, (1, 100))
        s.execute(to_base, (1, 200))
        assert deferred(node) >= d1 + 2  # a table with a view: read-before-write on the pool
        assert [(r.v, r.k) for r in s.execute("SELECT v, k FROM by_v")] == [(200, 1)]

        d2 = deferred(node)
        scan = s.prepare("SELECT k, v FROM t")  # a token-range scan
        assert [(r.k, r.v) for r in s.execute(scan)] == [(1, 10)]
        assert deferred(node) >= d2 + 1

        # Errors found while running inline are the same errors.
        bad = s.prepare("INSERT INTO t (k, v) VALUES (?, ?)")
        with pytest.raises(Exception) as e:
            s.execute(bad, (None, 1))
        assert "Invalid null value" in str(e.value)
    finally:
        cluster.shutdown()


@pytest.mark.parametrize("config", ["native_transport_inline_execution: false\n", "commitlog_sync: batch\n"])
def test_inline_execution_off(node_factory, config):
    node = node_factory.create("off", config_text=config)
    cluster, s = connect(node)
    try:
        s.execute("CREATE KEYSPACE io WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE io.t (k int PRIMARY KEY, v int)")
        ins = s.prepare("INSERT INTO io.t (k, v) VALUES (?, ?)")
        sel = s.prepare("SELECT v FROM io.t WHERE k = ?")
        for k in range(50):
            s.execute(ins, (k, k * 2))
        assert all(s.execute(sel, (k,)).one().v == k * 2 for k in range(50))
        assert inline(node) == 0
        assert deferred(node) == 0
    finally:
        cluster.shutdown()
