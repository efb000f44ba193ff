"""INSERT / UPDATE / DELETE, SELECT restrictions, bind markers, USING TIMESTAMP, last write wins."""

import pytest
from cassandra.query import SimpleStatement


@pytest.fixture(scope="module")
def kv(session):
    session.execute("CREATE TABLE kv (pk int, ck int, v text, w int, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO kv (pk, ck, v, w) VALUES (?, ?, ?, ?)")
    for pk in (1, 2, 3, 4):
        for ck in range(10):
            session.execute(ins, (pk, ck, f"v{pk}-{ck}", pk * 100 + ck))
    return "kv"


def cks(rows):
    return [r.ck for r in rows]


def test_select_projection_and_star_order(session, kv):
    rs = session.execute("SELECT v FROM kv WHERE pk = 1 AND ck = 2")
    assert rs.column_names == ["v"]
    assert [tuple(r) for r in rs] == [("v1-2",)]
    rs = session.execute("SELECT w, ck FROM kv WHERE pk = 1 AND ck = 3")
    assert rs.column_names == ["w", "ck"]
    assert [tuple(r) for r in rs] == [(103, 3)]
    rs = session.execute("SELECT * FROM kv WHERE pk = 2 AND ck = 0")
    # SELECT *: partition key, clustering columns, then regular columns by name.
    assert rs.column_names == ["pk", "ck", "v", "w"]
    assert [tuple(r) for r in rs] == [(2, 0, "v2-0", 200)]
    assert list(session.execute("SELECT * FROM kv WHERE pk = 99")) == []
    assert list(session.execute("SELECT * FROM kv WHERE pk = 1 AND ck = 99")) == []


def test_where_partition_key_equality_and_in(session, kv):
    assert cks(session.execute("SELECT ck FROM kv WHERE pk = 3")) == list(range(10))
    rows = list(session.execute("SELECT pk, ck FROM kv WHERE pk IN (1, 3, 77)"))
    assert sorted((r.pk, r.ck) for r in rows) == [(p, c) for p in (1, 3) for c in range(10)]
    # Rows of one partition stay together and in clustering order.
    for p in (1, 3):
        assert [r.ck for r in rows if r.pk == p] == list(range(10))
    rows = list(session.execute("SELECT pk, ck FROM kv WHERE pk IN (2, 4) AND ck = 5"))
    assert sorted((r.pk, r.ck) for r in rows) == [(2, 5), (4, 5)]
    rows = list(session.execute("SELECT pk, ck FROM kv WHERE pk = 2 AND ck IN (7, 1, 4)"))
    assert cks(rows) == [1, 4, 7]


@pytest.mark.parametrize("where,expected", [
    ("ck = 5", [5]),
    ("ck > 5", [6, 7, 8, 9]),
    ("ck >= 5", [5, 6, 7, 8, 9]),
    ("ck < 3", [0, 1, 2]),
    ("ck <= 3", [0, 1, 2, 3]),
    ("ck > 2 AND ck <= 6", [3, 4, 5, 6]),
    ("ck >= 2 AND ck < 6", [2, 3, 4, 5]),
    ("ck > 7 AND ck < 8", []),
    ("ck >= 4 AND ck <= 4", [4]),
    ("ck > 20", []),
    ("ck < -1", []),
])
def test_clustering_ranges(session, kv, where, expected):
    assert cks(session.execute(f"SELECT ck FROM kv WHERE pk = 1 AND {where}")) == expected


def test_clustering_ranges_on_desc_and_multi_column_keys(session):
    session.execute("CREATE TABLE mc (p int, a int, b int, v int, PRIMARY KEY (p, a, b)) "
                    "WITH CLUSTERING ORDER BY (a DESC, b ASC)")
    ins = session.prepare("INSERT INTO mc (p, a, b, v) VALUES (?, ?, ?, ?)")
    for a in range(4):
        for b in range(4):
            session.execute(ins, (1, a, b, a * 10 + b))

    def ab(where):
        return [(r.a, r.b) for r in session.execute(f"SELECT a, b FROM mc WHERE p = 1 {where}")]

    assert ab("")[:5] == [(3, 0), (3, 1), (3, 2), (3, 3), (2, 0)]
    assert ab("AND a > 1") == [(3, 0), (3, 1), (3, 2), (3, 3), (2, 0), (2, 1), (2, 2), (2, 3)]
    assert ab("AND a <= 0") == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert ab("AND a = 2 AND b > 1") == [(2, 2), (2, 3)]
    assert ab("AND a = 1 AND b >= 1 AND b < 3") == [(1, 1), (1, 2)]
    assert ab("AND a = 3 AND b = 3") == [(3, 3)]
    assert ab("AND a = 2 LIMIT 3") == [(2, 0), (2, 1), (2, 2)]


def test_limit(session, kv):
    assert cks(session.execute("SELECT ck FROM kv WHERE pk = 4 LIMIT 3")) == [0, 1, 2]
    assert cks(session.execute("SELECT ck FROM kv WHERE pk = 4 AND ck > 5 LIMIT 2")) == [6, 7]
    assert len(list(session.execute("SELECT ck FROM kv WHERE pk IN (1, 2) LIMIT 15"))) == 15
    assert len(list(session.execute("SELECT * FROM kv LIMIT 7"))) == 7
    assert cks(session.execute("SELECT ck FROM kv WHERE pk = 4 LIMIT 100")) == list(range(10))


def test_update_cells_and_upsert(session):
    session.execute("CREATE TABLE up (pk int, ck int, v text, w int, PRIMARY KEY (pk, ck))")
    session.execute("INSERT INTO up (pk, ck, v, w) VALUES (1, 1, 'a', 1)")
    session.execute("UPDATE up SET v = 'b' WHERE pk = 1 AND ck = 1")
    assert tuple(session.execute("SELECT v, w FROM up WHERE pk = 1 AND ck = 1").one()) == ("b", 1)
    session.execute("UPDATE up SET v = 'c', w = 3 WHERE pk = 1 AND ck = 1")
    assert tuple(session.execute("SELECT v, w FROM up WHERE pk = 1 AND ck = 1").one()) == ("c", 3)
    # UPDATE of a missing row creates it (upsert); INSERT of an existing row overwrites.
    session.execute("UPDATE up SET w = 9 WHERE pk = 2 AND ck = 5")
    assert tuple(session.execute("SELECT v, w FROM up WHERE pk = 2 AND ck = 5").one()) == (None, 9)
    session.execute("INSERT INTO up (pk, ck, v) VALUES (1, 1, 'd')")
    assert tuple(session.execute("SELECT v, w FROM up WHERE pk = 1 AND ck = 1").one()) == ("d", 3)
    # UPDATE needs the full primary key.
    from cassandra import InvalidRequest
    with pytest.raises(InvalidRequest):
        session.execute("UPDATE up SET v = 'x' WHERE pk = 1")


def test_delete_cells_rows_and_partitions(session):
    session.execute("CREATE TABLE del (pk int, ck int, v text, w int, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO del (pk, ck, v, w) VALUES (?, ?, ?, ?)")
    for pk in (1, 2):
        for ck in range(5):
            session.execute(ins, (pk, ck, "x", ck))

    # A cell: the row stays (INSERT wrote a row marker).
    session.execute("DELETE v FROM del WHERE pk = 1 AND ck = 0")
    assert tuple(session.execute("SELECT v, w FROM del WHERE pk = 1 AND ck = 0").one()) == (None, 0)
    session.execute("DELETE v, w FROM del WHERE pk = 1 AND ck = 1")
    row = session.execute("SELECT pk, ck, v, w FROM del WHERE pk = 1 AND ck = 1").one()
    assert tuple(row) == (1, 1, None, None)

    # A row created by UPDATE has no row marker: deleting its only cell removes it.
    session.execute("UPDATE del SET v = 'u' WHERE pk = 3 AND ck = 0")
    session.execute("DELETE v FROM del WHERE pk = 3 AND ck = 0")
    assert session.execute("SELECT * FROM del WHERE pk = 3 AND ck = 0").one() is None

    # A row.
    session.execute("DELETE FROM del WHERE pk = 1 AND ck = 2")
    assert cks(session.execute("SELECT ck FROM del WHERE pk = 1")) == [0, 1, 3, 4]

    # A whole partition; the other partition is untouched.
    session.execute("DELETE FROM del WHERE pk = 2")
    assert list(session.execute("SELECT * FROM del WHERE pk = 2")) == []
    assert cks(session.execute("SELECT ck FROM del WHERE pk = 1")) == [0, 1, 3, 4]

    # Writing after a deletion (newer timestamp) makes data visible again.
    session.execute("INSERT INTO del (pk, ck, v) VALUES (2, 7, 'again')")
    assert [(r.ck, r.v) for r in session.execute("SELECT ck, v FROM del WHERE pk = 2")] == [(7, "again")]

    # Full-table scan sees exactly what is left.
    rows = sorted((r.pk, r.ck) for r in session.execute("SELECT pk, ck FROM del"))
    assert rows == [(1, 0), (1, 1), (1, 3), (1, 4), (2, 7)]


def test_positional_and_named_bind_markers(session):
    session.execute("CREATE TABLE binds (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO binds (pk, ck, v) VALUES (?, ?, ?)")
    assert [c.name for c in ins.column_metadata] == ["pk", "ck", "v"]
    session.execute(ins, (1, 1, "one"))

    named = session.prepare("INSERT INTO binds (pk, ck, v) VALUES (:p, :c, :val)")
    assert [c.name for c in named.column_metadata] == ["p", "c", "val"]
    assert [c.type.typename for c in named.column_metadata] == ["int", "int", "varchar"]
    session.execute(named, {"val": "two", "c": 2, "p": 1})

    upd = session.prepare("UPDATE binds SET v = :newval WHERE pk = :pk AND ck = :ck")
    session.execute(upd, {"pk": 1, "ck": 1, "newval": "uno"})

    sel = session.prepare("SELECT ck, v FROM binds WHERE pk = ? AND ck >= ? AND ck <= ?")
    assert [tuple(r) for r in session.execute(sel, (1, 1, 2))] == [(1, "uno"), (2, "two")]
    sel_in = session.prepare("SELECT ck FROM binds WHERE pk = :pk AND ck IN (:a, :b)")
    assert cks(session.execute(sel_in, {"pk": 1, "a": 2, "b": 5})) == [2]
    lim = session.prepare("SELECT ck FROM binds WHERE pk = ? LIMIT ?")
    assert cks(session.execute(lim, (1, 1))) == [1]
    dl = session.prepare("DELETE FROM binds WHERE pk = ? AND ck = ?")
    session.execute(dl, (1, 1))
    assert cks(session.execute("SELECT ck FROM binds WHERE pk = 1")) == [2]


def test_using_timestamp(session):
    session.execute("CREATE TABLE ts (k int PRIMARY KEY, v text)")

    def v():
        row = session.execute("SELECT v FROM ts WHERE k = 1").one()
        return None if row is None else row.v

    session.execute("INSERT INTO ts (k, v) VALUES (1, 'new') USING TIMESTAMP 2000")
    session.execute("INSERT INTO ts (k, v) VALUES (1, 'old') USING TIMESTAMP 1000")
    assert v() == "new", "a write with an older timestamp must lose"
    session.execute("UPDATE ts USING TIMESTAMP 1500 SET v = 'older' WHERE k = 1")
    assert v() == "new"
    session.execute("DELETE FROM ts USING TIMESTAMP 1999 WHERE k = 1")
    assert v() == "new", "a delete with an older timestamp must not delete newer data"
    session.execute("UPDATE ts USING TIMESTAMP 2001 SET v = 'newer' WHERE k = 1")
    assert v() == "newer"
    session.execute("DELETE FROM ts USING TIMESTAMP 3000 WHERE k = 1")
    assert v() is None
    session.execute("INSERT INTO ts (k, v) VALUES (1, 'zombie') USING TIMESTAMP 2500")
    assert v() is None, "a write older than the tombstone must stay deleted"
    session.execute("INSERT INTO ts (k, v) VALUES (1, 'alive') USING TIMESTAMP 3001")
    assert v() == "alive"

    # Prepared statements with a bound timestamp.
    ps = session.prepare("INSERT INTO ts (k, v) VALUES (?, ?) USING TIMESTAMP ?")
    session.execute(ps, (2, "b", 10_000))
    session.execute(ps, (2, "a", 9_000))
    assert session.execute("SELECT v FROM ts WHERE k = 2").one().v == "b"


def test_last_write_wins(session):
    session.execute("CREATE TABLE lww (k int PRIMARY KEY, v text)")
    ins = session.prepare("INSERT INTO lww (k, v) VALUES (?, ?)")
    for i in range(20):
        session.execute(ins, (1, f"value-{i}"))
    assert session.execute("SELECT v FROM lww WHERE k = 1").one().v == "value-19"
    # Equal timestamps: the greater value wins, whatever the order of arrival.
    session.execute("INSERT INTO lww (k, v) VALUES (2, 'b') USING TIMESTAMP 5000")
    session.execute("INSERT INTO lww (k, v) VALUES (2, 'a') USING TIMESTAMP 5000")
    session.execute("INSERT INTO lww (k, v) VALUES (3, 'a') USING TIMESTAMP 5000")
    session.execute("INSERT INTO lww (k, v) VALUES (3, 'b') USING TIMESTAMP 5000")
    assert session.execute("SELECT v FROM lww WHERE k = 2").one().v == "b"
    assert session.execute("SELECT v FROM lww WHERE k = 3").one().v == "b"
    # Equal timestamps: a deletion wins over a write.
    session.execute("INSERT INTO lww (k, v) VALUES (4, 'x') USING TIMESTAMP 6000")
    session.execute("DELETE FROM lww USING TIMESTAMP 6000 WHERE k = 4")
    assert session.execute("SELECT v FROM lww WHERE k = 4").one() is None


def test_simple_statement_with_client_side_values(session, kv):
    st = SimpleStatement("SELECT ck, v FROM kv WHERE pk = %s AND ck = %s")
    assert tuple(session.execute(st, (3, 4)).one()) == (4, "v3-4")
