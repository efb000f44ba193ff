"""Prepared statements and routing keys, paging, batches."""

import struct

import pytest
from cassandra import InvalidRequest
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.metadata import Murmur3Token
from cassandra.query import BatchStatement, BatchType, SimpleStatement

MAX_PAGES = 50  # bound for every paging loop


def pages_of(session, statement, params=None, paging_state=None):
    """All pages of a query as lists of rows, fetched one by one (bounded)."""
    rs = session.execute(statement, params, paging_state=paging_state)
    pages = [list(rs.current_rows)]
    while rs.has_more_pages:
        assert len(pages) < MAX_PAGES, "too many pages: paging does not terminate"
        rs.fetch_next_page()
        pages.append(list(rs.current_rows))
    return pages


def test_prepared_routing_key_indexes(session, keyspace):
    session.execute("CREATE TABLE rk (a text, b int, c int, v text, PRIMARY KEY ((a, b), c))")
    ps = session.prepare("INSERT INTO rk (c, b, a, v) VALUES (?, ?, ?, ?)")
    assert ps.routing_key_indexes == [2, 1]
    bound = ps.bind((5, 7, "xy", "val"))
    assert bound.keyspace == keyspace
    assert bound.routing_key == b"\x00\x02xy\x00" + b"\x00\x04" + struct.pack(">i", 7) + b"\x00"
    session.execute(bound)

    sel = session.prepare("SELECT v, token(a, b) FROM rk WHERE a = ? AND b = ? AND c = ?")
    assert sel.routing_key_indexes == [0, 1]
    row = session.execute(sel, ("xy", 7, 5)).one()
    assert row[0] == "val"
    assert row[1] == Murmur3Token.from_key(bound.routing_key).value

    # Statements that do not restrict the whole partition key have no routing key.
    partial = session.prepare("SELECT v FROM rk WHERE a = ? AND b = ? AND c > ?")
    assert partial.routing_key_indexes == [0, 1]
    scan = session.prepare("SELECT v FROM rk LIMIT ?")
    assert not scan.routing_key_indexes


def test_prepared_statement_reuse_and_result_metadata(session):
    session.execute("CREATE TABLE reuse (k int, c int, v bigint, PRIMARY KEY (k, c))")
    ins = session.prepare("INSERT INTO reuse (k, c, v) VALUES (?, ?, ?)")
    for i in range(200):
        session.execute(ins, (i % 4, i, i * i))
    sel = session.prepare("SELECT c, v FROM reuse WHERE k = ?")
    assert [c[2] for c in sel.result_metadata] == ["c", "v"]  # (keyspace, table, name, type)
    for k in range(4):
        rows = list(session.execute(sel, (k,)))
        assert [r.c for r in rows] == list(range(k, 200, 4))
        assert all(r.v == r.c * r.c for r in rows)
    # Preparing the same text again gives the same statement id.
    assert session.prepare("SELECT c, v FROM reuse WHERE k = ?").query_id == sel.query_id


@pytest.fixture(scope="module")
def big_partition(session):
    session.execute("CREATE TABLE big (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO big (pk, ck, v) VALUES (?, ?, ?)")
    results = execute_concurrent_with_args(
        session, ins, [(1, ck, f"v{ck}") for ck in range(10_000)], concurrency=64)
    assert all(r.success for r in results)
    return "big"


def test_paging_10000_rows_in_one_partition(session, big_partition):
    stmt = SimpleStatement("SELECT ck, v FROM big WHERE pk = 1", fetch_size=1000)
    pages = pages_of(session, stmt)
    sizes = [len(p) for p in pages]
    assert all(0 < s <= 1000 for s in sizes[:-1]) and sizes[-1] <= 1000, sizes
    assert sizes[0] == 1000, f"first page must be full: {sizes}"
    assert 10 <= len(pages) <= 11, sizes
    cks = [r.ck for p in pages for r in p]
    assert cks == list(range(10_000)), "every row exactly once, in clustering order"
    assert all(r.v == f"v{r.ck}" for p in pages for r in p)


def test_paging_prepared_and_resume_from_paging_state(session, big_partition):
    ps = session.prepare("SELECT ck FROM big WHERE pk = ? AND ck >= ?")
    ps.fetch_size = 1000
    rs = session.execute(ps, (1, 2500))
    first = [r.ck for r in rs.current_rows]
    assert first == list(range(2500, 3500))
    assert rs.has_more_pages and rs.paging_state
    state = rs.paging_state
    # Resume later, from the saved state, with a new execution of the same statement.
    seen = list(first)
    for _ in range(MAX_PAGES):
        rs = session.execute(ps, (1, 2500), paging_state=state)
        seen += [r.ck for r in rs.current_rows]
        if not rs.has_more_pages:
            break
        state = rs.paging_state
    assert seen == list(range(2500, 10_000))

    # Iterating a ResultSet fetches the following pages transparently.
    assert sum(1 for _ in session.execute(ps, (1, 0))) == 10_000


def test_paging_with_limit(session, big_partition):
    stmt = SimpleStatement("SELECT ck FROM big WHERE pk = 1 LIMIT 2500", fetch_size=1000)
    pages = pages_of(session, stmt)
    assert [r.ck for p in pages for r in p] == list(range(2500))
    assert max(len(p) for p in pages) <= 1000


@pytest.mark.parametrize("fetch_size", [1000, 333])
def test_paging_full_table_scan_over_partitions(session, fetch_size):
    table = f"scan_{fetch_size}"
    session.execute(f"CREATE TABLE {table} (pk int, ck int, PRIMARY KEY (pk, ck))")
    ins = session.prepare(f"INSERT INTO {table} (pk, ck) VALUES (?, ?)")
    keys = [(pk, ck) for pk in range(60) for ck in range(50)]
    assert all(r.success for r in execute_concurrent_with_args(session, ins, keys, concurrency=64))

    stmt = SimpleStatement(f"SELECT token(pk), pk, ck FROM {table}", fetch_size=fetch_size)
    pages = pages_of(session, stmt)
    assert max(len(p) for p in pages) <= fetch_size
    assert len(pages) >= len(keys) // fetch_size
    rows = [r for p in pages for r in p]
    assert sorted((r.pk, r.ck) for r in rows) == keys, "every row exactly once"
    assert len(rows) == len(keys)
    # Partitions come in token order, each one contiguous and in clustering order.
    tokens = [r[0] for r in rows]
    assert tokens == sorted(tokens)
    for r in rows:
        assert r[0] == Murmur3Token.from_key(struct.pack(">i", r.pk)).value
    order = []
    for r in rows:
        if not order or order[-1][0] != r.pk:
            order.append((r.pk, []))
        order[-1][1].append(r.ck)
    assert len(order) == 60, "a partition was split or interleaved"
    assert all(c == list(range(50)) for _, c in order)


def test_paging_scan_with_partitions_larger_than_a_page(session):
    # Regression: a scan that resumed inside a partition spanning several pages stopped early.
    session.execute("CREATE TABLE scan_big (pk int, ck int, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO scan_big (pk, ck) VALUES (?, ?)")
    keys = [(pk, ck) for pk in range(3) for ck in range(900)]
    assert all(r.success for r in execute_concurrent_with_args(session, ins, keys, concurrency=64))
    pages = pages_of(session, SimpleStatement("SELECT pk, ck FROM scan_big", fetch_size=250))
    rows = [(r.pk, r.ck) for p in pages for r in p]
    assert len(rows) == len(keys)
    assert sorted(rows) == keys


def test_logged_and_unlogged_batch_statements(session):
    session.execute("CREATE TABLE bt (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO bt (pk, ck, v) VALUES (?, ?, ?)")
    for batch_type, pk in ((BatchType.LOGGED, 1), (BatchType.UNLOGGED, 2)):
        b = BatchStatement(batch_type=batch_type)
        for ck in range(10):
            b.add(ins, (pk, ck, f"b{ck}"))
        b.add(SimpleStatement("INSERT INTO bt (pk, ck, v) VALUES (%s, %s, %s)"), (pk + 10, 0, "other"))
        b.add("UPDATE bt SET v = 'updated' WHERE pk = %s AND ck = 3", (pk,))
        b.add(SimpleStatement("DELETE FROM bt WHERE pk = %s AND ck = %s"), (pk, 9))
        session.execute(b)
        rows = list(session.execute("SELECT ck, v FROM bt WHERE pk = %s", (pk,)))
        assert [r.ck for r in rows] == list(range(9)), batch_type
        assert rows[3].v == "updated"
        assert session.execute("SELECT v FROM bt WHERE pk = %s AND ck = 0", (pk + 10,)).one().v == "other"


def test_batch_cql_string(session):
    session.execute("CREATE TABLE bs (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
    session.execute("""
        BEGIN BATCH
          INSERT INTO bs (pk, ck, v) VALUES (1, 1, 'a');
          INSERT INTO bs (pk, ck, v) VALUES (1, 2, 'b');
          INSERT INTO bs (pk, ck, v) VALUES (2, 1, 'c');
          UPDATE bs SET v = 'B' WHERE pk = 1 AND ck = 2;
        APPLY BATCH""")
    # Every statement of a batch shares one timestamp, so the two writes of (1, 2) tie and,
    # as in Cassandra, the greater value wins ('b' > 'B'), not the later statement.
    assert [tuple(r) for r in session.execute("SELECT ck, v FROM bs WHERE pk = 1")] == [(1, "a"), (2, "b")]
    assert session.execute("SELECT v FROM bs WHERE pk = 2 AND ck = 1").one().v == "c"
    session.execute("BEGIN UNLOGGED BATCH "
                    "DELETE FROM bs WHERE pk = 1 AND ck = 1; "
                    "INSERT INTO bs (pk, ck, v) VALUES (3, 1, 'd') "
                    "APPLY BATCH;")
    assert [r.ck for r in session.execute("SELECT ck FROM bs WHERE pk = 1")] == [2]
    assert session.execute("SELECT v FROM bs WHERE pk = 3 AND ck = 1").one().v == "d"
    # A batch-level timestamp applies to every statement.
    session.execute("BEGIN BATCH USING TIMESTAMP 1000 "
                    "INSERT INTO bs (pk, ck, v) VALUES (4, 1, 'batch') "
                    "APPLY BATCH")
    session.execute("INSERT INTO bs (pk, ck, v) VALUES (4, 1, 'older') USING TIMESTAMP 999")
    assert session.execute("SELECT v FROM bs WHERE pk = 4 AND ck = 1").one().v == "batch"


def test_invalid_batch_applies_nothing(session):
    session.execute("CREATE TABLE ba (pk int PRIMARY KEY, v text)")
    ins = session.prepare("INSERT INTO ba (pk, v) VALUES (?, ?)")
    b = BatchStatement(batch_type=BatchType.LOGGED)
    b.add(ins, (1, "x"))
    b.add(SimpleStatement("INSERT INTO no_such_table_z (pk, v) VALUES (%s, %s)"), (2, "y"))
    with pytest.raises(InvalidRequest):
        session.execute(b)
    with pytest.raises(InvalidRequest):
        session.execute("BEGIN BATCH INSERT INTO ba (pk, v) VALUES (3, 'x'); "
                        "INSERT INTO ba (pk, v) VALUES ('not an int', 'y'); APPLY BATCH")
    assert list(session.execute("SELECT * FROM ba")) == []
