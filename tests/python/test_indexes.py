"""Secondary indexes: DDL, metadata, queries (paging, collections), staleness, restarts."""

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.query import SimpleStatement

import krill_harness as kh


def rows(session, cql, params=None, fetch_size=None):
    st = SimpleStatement(cql, fetch_size=fetch_size) if fetch_size else cql
    return list(session.execute(st, params))


def test_create_query_and_metadata(session, keyspace, cluster):
    session.execute("CREATE TABLE users (id int PRIMARY KEY, name text, city text, age int)")
    for i in range(50):
        session.execute("INSERT INTO users (id, name, city, age) VALUES (%s, %s, %s, %s)",
                        (i, f"n{i}", f"c{i % 5}", i % 7))
    session.execute("CREATE INDEX ON users (city)")  # built over the existing rows
    session.execute("CREATE INDEX IF NOT EXISTS users_city_idx ON users (city)")
    session.execute("CREATE INDEX age_idx ON users (age)")
    got = sorted(r.id for r in rows(session, "SELECT id FROM users WHERE city = 'c3'"))
    assert got == [i for i in range(50) if i % 5 == 3]
    # Prepared, with a bind marker.
    ps = session.prepare("SELECT id, name FROM users WHERE age = ?")
    assert sorted(r.id for r in session.execute(ps, (2,))) == [i for i in range(50) if i % 7 == 2]
    # New writes are indexed.
    session.execute("INSERT INTO users (id, name, city) VALUES (100, 'x', 'c3')")
    assert 100 in [r.id for r in rows(session, "SELECT id FROM users WHERE city = 'c3'")]
    # Other restrictions need ALLOW FILTERING.
    with pytest.raises(InvalidRequest, match="ALLOW FILTERING"):
        session.execute("SELECT * FROM users WHERE city = 'c3' AND name = 'n3'")
    assert [r.id for r in rows(session, "SELECT id FROM users WHERE city = 'c3' AND name = 'n3' ALLOW FILTERING")] == [3]
    # Partition key + index.
    assert [r.id for r in rows(session, "SELECT id FROM users WHERE id = 8 AND city = 'c3'")] == [8]
    assert rows(session, "SELECT id FROM users WHERE id = 9 AND city = 'c3'") == []
    # LIMIT.
    assert len(rows(session, "SELECT id FROM users WHERE city = 'c1' LIMIT 4")) == 4
    # Metadata.
    r = rows(session, "SELECT * FROM system_schema.indexes WHERE keyspace_name = %s", (keyspace,))
    assert {(x.table_name, x.index_name, x.kind, x.options["target"]) for x in r} == {
        ("users", "users_city_idx", "COMPOSITES", "city"), ("users", "age_idx", "COMPOSITES", "age")}
    cluster.refresh_schema_metadata()
    table = cluster.metadata.keyspaces[keyspace].tables["users"]
    assert set(table.indexes) == {"users_city_idx", "age_idx"}
    assert f"CREATE INDEX users_city_idx ON {keyspace}.users (city)" in table.export_as_string()
    desc = rows(session, f"DESCRIBE INDEX {keyspace}.age_idx")
    assert desc[0].create_statement == f"CREATE INDEX age_idx ON {keyspace}.users (age);"
    desc = rows(session, f"DESCRIBE TABLE {keyspace}.users")
    assert [(d.type, d.name) for d in desc] == [("table", "users"), ("index", "age_idx"), ("index", "users_city_idx")]
    assert desc[1].create_statement == f"CREATE INDEX age_idx ON {keyspace}.users (age);"
    session.execute("DROP INDEX age_idx")
    session.execute("DROP INDEX IF EXISTS age_idx")
    with pytest.raises(InvalidRequest, match="ALLOW FILTERING"):
        session.execute("SELECT * FROM users WHERE age = 2")


def test_errors(session):
    session.execute("CREATE TABLE e1 (k int PRIMARY KEY, v int, s set<int>, f frozen<list<int>>)")
    session.execute("CREATE TABLE e2 (a int, b int, c int, v counter, PRIMARY KEY ((a, b), c))")
    with pytest.raises(InvalidRequest, match="Cannot create secondary index on the only partition key column k"):
        session.execute("CREATE INDEX ON e1 (k)")
    with pytest.raises(InvalidRequest, match="counter"):
        session.execute("CREATE INDEX ON e2 (v)")
    with pytest.raises(InvalidRequest, match="SASI"):
        session.execute("CREATE CUSTOM INDEX ON e1 (v) USING 'org.apache.cassandra.index.sasi.SASIIndex'")
    with pytest.raises(InvalidRequest, match="full"):
        session.execute("CREATE INDEX ON e1 (values(f))")
    with pytest.raises(InvalidRequest, match="doesn't exist"):
        session.execute("CREATE INDEX ON e1 (nope)")
    session.execute("CREATE INDEX e1v ON e1 (v)")
    with pytest.raises(AlreadyExists):
        session.execute("CREATE INDEX e1v ON e1 (s)")
    with pytest.raises(InvalidRequest, match="duplicate"):
        session.execute("CREATE INDEX other ON e1 (v)")
    with pytest.raises(InvalidRequest, match="doesn't exist"):
        session.execute("DROP INDEX nope")


def test_stale_entries_never_returned(session):
    session.execute("CREATE TABLE st (k int, c int, v text, PRIMARY KEY (k, c))")
    session.execute("CREATE INDEX ON st (v)")
    session.execute("INSERT INTO st (k, c, v) VALUES (1, 1, 'a')")
    session.execute("INSERT INTO st (k, c, v) VALUES (1, 2, 'a')")
    session.execute("INSERT INTO st (k, c, v) VALUES (2, 1, 'a')")
    session.execute("UPDATE st SET v = 'b' WHERE k = 1 AND c = 1")
    session.execute("DELETE FROM st WHERE k = 2 AND c = 1")
    session.execute("INSERT INTO st (k, c, v) VALUES (3, 1, 'a') USING TTL 1")
    import time
    time.sleep(2)
    assert [(r.k, r.c) for r in rows(session, "SELECT k, c FROM st WHERE v = 'a'")] == [(1, 2)]
    assert [(r.k, r.c) for r in rows(session, "SELECT k, c FROM st WHERE v = 'b'")] == [(1, 1)]
    session.execute("DELETE v FROM st WHERE k = 1 AND c = 2")
    assert rows(session, "SELECT k FROM st WHERE v = 'a'") == []
    # Batches and LWT write entries too.
    session.execute("BEGIN BATCH INSERT INTO st (k, c, v) VALUES (5, 1, 'z'); "
                    "UPDATE st SET v = 'z' WHERE k = 6 AND c = 1; APPLY BATCH")
    session.execute("INSERT INTO st (k, c, v) VALUES (7, 1, 'z') IF NOT EXISTS")
    session.execute("UPDATE st SET v = 'z' WHERE k = 1 AND c = 1 IF v = 'b'")
    assert sorted((r.k, r.c) for r in rows(session, "SELECT k, c FROM st WHERE v = 'z'")) == [
        (1, 1), (5, 1), (6, 1), (7, 1)]


def test_paging(session):
    session.execute("CREATE TABLE pg (k int, c int, v int, PRIMARY KEY (k, c))")
    session.execute("CREATE INDEX ON pg (v)")
    ins = session.prepare("INSERT INTO pg (k, c, v) VALUES (?, ?, ?)")
    expected = set()
    for k in range(30):
        for c in range(10):
            session.execute(ins, (k, c, c % 2))
            if c % 2 == 0:
                expected.add((k, c))
    # Some stale entries in the middle of the pages.
    for k in range(0, 30, 3):
        session.execute("UPDATE pg SET v = 1 WHERE k = %s AND c = 4", (k,))
        expected.discard((k, 4))
    for fs in (1, 7, 50, 1000):
        got = [(r.k, r.c) for r in rows(session, "SELECT k, c FROM pg WHERE v = 0", fetch_size=fs)]
        assert len(got) == len(set(got)) and set(got) == expected, fs
    got = rows(session, "SELECT k, c FROM pg WHERE v = 0 LIMIT 33", fetch_size=10)
    assert len(got) == 33
    # Clustering column index, and index with partition key restriction and paging.
    session.execute("CREATE INDEX ON pg (c)")
    assert len(rows(session, "SELECT k FROM pg WHERE c = 3", fetch_size=4)) == 30
    assert len(rows(session, "SELECT k FROM pg WHERE k = 3 AND v = 0", fetch_size=2)) == 4


def test_collection_indexes(session):
    session.execute("CREATE TABLE col (k int PRIMARY KEY, tags set<text>, m map<text, int>, l list<int>, "
                    "f frozen<list<int>>)")
    session.execute("INSERT INTO col (k, tags, m, l, f) VALUES (1, {'a', 'b'}, {'x': 1, 'y': 2}, [5, 6], [1, 2])")
    session.execute("INSERT INTO col (k, tags, m, l, f) VALUES (2, {'b'}, {'y': 3}, [6], [3])")
    session.execute("CREATE INDEX ON col (tags)")
    session.execute("CREATE INDEX ON col (keys(m))")
    session.execute("CREATE INDEX mv ON col (values(m))")
    session.execute("CREATE INDEX ON col (values(l))")
    session.execute("CREATE INDEX ON col (full(f))")
    session.execute("CREATE INDEX me ON col (entries(m))")
    assert sorted(r.k for r in rows(session, "SELECT k FROM col WHERE tags CONTAINS 'b'")) == [1, 2]
    assert [r.k for r in rows(session, "SELECT k FROM col WHERE m CONTAINS KEY 'x'")] == [1]
    assert sorted(r.k for r in rows(session, "SELECT k FROM col WHERE m CONTAINS 2")) == [1]
    assert sorted(r.k for r in rows(session, "SELECT k FROM col WHERE l CONTAINS 6")) == [1, 2]
    assert [r.k for r in rows(session, "SELECT k FROM col WHERE f = [3]")] == [2]
    session.execute("UPDATE col SET tags = tags - {'b'} WHERE k = 1")
    session.execute("UPDATE col SET m = m + {'z': 9} WHERE k = 2")
    assert [r.k for r in rows(session, "SELECT k FROM col WHERE tags CONTAINS 'b'")] == [2]
    assert [r.k for r in rows(session, "SELECT k FROM col WHERE m CONTAINS KEY 'z'")] == [2]
    r = {x.index_name: x.options["target"] for x in rows(session, "SELECT * FROM system_schema.indexes")
         if x.table_name == "col"}
    assert r == {"col_tags_idx": "values(tags)", "col_m_idx": "keys(m)", "mv": "values(m)",
                 "col_l_idx": "values(l)", "col_f_idx": "full(f)", "me": "entries(m)"}


def test_restart_keeps_indexes(node_factory):
    node = node_factory.create("idx-restart")
    cluster = kh.make_cluster(node.native_port)
    s = cluster.connect()
    try:
        s.execute("CREATE KEYSPACE ir WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE ir.t (k int PRIMARY KEY, v int)")
        s.execute("CREATE INDEX ON ir.t (v)")
        for i in range(20):
            s.execute("INSERT INTO ir.t (k, v) VALUES (%s, %s)", (i, i % 4))
        assert node.stop() == 0
        node.start()
        cluster.shutdown()
        cluster = kh.make_cluster(node.native_port)
        s = cluster.connect()
        assert sorted(r.k for r in s.execute("SELECT k FROM ir.t WHERE v = 1")) == [1, 5, 9, 13, 17]
        s.execute("INSERT INTO ir.t (k, v) VALUES (100, 1)")
        assert 100 in [r.k for r in s.execute("SELECT k FROM ir.t WHERE v = 1")]
        assert [r.index_name for r in s.execute(
            "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = 'ir'")] == ["t_v_idx"]
        s.execute("DROP TABLE ir.t")
    finally:
        cluster.shutdown()
