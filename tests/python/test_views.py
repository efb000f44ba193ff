"""Materialized views: DDL and errors, metadata, and consistency after every write path."""

import time

import pytest
from cassandra import AlreadyExists, InvalidRequest

BASE = "CREATE TABLE {t} (k int, c int, v int, w text, PRIMARY KEY (k, c))"


def view_rows(session, view):
    return sorted(tuple(r) for r in session.execute(f"SELECT * FROM {view}"))


def expected_from_base(session, base, key):
    """The view rows the base rows imply; `key` orders (v, k, c, w) as the view's columns are."""
    out = []
    for r in session.execute(f"SELECT k, c, v, w FROM {base}"):
        if r.v is not None:
            out.append(key(r))
    return sorted(out)


def test_view_consistency(session, keyspace, cluster):
    session.execute(BASE.format(t="b1"))
    session.execute("INSERT INTO b1 (k, c, v, w) VALUES (0, 0, 100, 'pre')")  # before the view: built
    session.execute("CREATE MATERIALIZED VIEW b1_by_v AS SELECT * FROM b1 "
                    "WHERE v IS NOT NULL AND k IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, k, c)")
    # View column order: v, k, c, w (partition key, clustering, regular).
    key = lambda r: (r.v, r.k, r.c, r.w)  # noqa: E731
    check = lambda: view_rows(session, "b1_by_v") == expected_from_base(session, "b1", key)  # noqa: E731
    assert view_rows(session, "b1_by_v") == [(100, 0, 0, "pre")]
    for i in range(1, 6):
        session.execute("INSERT INTO b1 (k, c, v, w) VALUES (%s, %s, %s, %s)", (i, i, i * 10, f"w{i}"))
    assert check()
    # Changing the view key column moves the row; changing it back restores it.
    session.execute("UPDATE b1 SET v = 11 WHERE k = 1 AND c = 1")
    assert check() and (10, 1, 1, "w1") not in view_rows(session, "b1_by_v")
    session.execute("UPDATE b1 SET v = 10 WHERE k = 1 AND c = 1")
    assert (10, 1, 1, "w1") in view_rows(session, "b1_by_v") and check()
    # Non-key update, cell deletion, key deletion (row leaves the view).
    session.execute("UPDATE b1 SET w = 'new' WHERE k = 2 AND c = 2")
    session.execute("DELETE w FROM b1 WHERE k = 3 AND c = 3")
    session.execute("DELETE v FROM b1 WHERE k = 4 AND c = 4")
    assert check()
    # Row, range and partition deletions.
    for c in range(5):
        session.execute("INSERT INTO b1 (k, c, v, w) VALUES (9, %s, %s, 'r')", (c, 900 + c))
    session.execute("DELETE FROM b1 WHERE k = 9 AND c = 0")
    session.execute("DELETE FROM b1 WHERE k = 9 AND c > 2")
    assert check()
    session.execute("DELETE FROM b1 WHERE k = 9")
    assert check()
    # Batches and LWT.
    session.execute("BEGIN BATCH INSERT INTO b1 (k, c, v, w) VALUES (20, 1, 2000, 'b'); "
                    "UPDATE b1 SET v = 2001 WHERE k = 21 AND c = 1; "
                    "DELETE FROM b1 WHERE k = 5 AND c = 5; APPLY BATCH")
    assert check()
    session.execute("INSERT INTO b1 (k, c, v) VALUES (30, 1, 3000) IF NOT EXISTS")
    session.execute("UPDATE b1 SET v = 3001 WHERE k = 30 AND c = 1 IF v = 3000")
    assert check() and (3001, 30, 1, None) in view_rows(session, "b1_by_v")
    # TTL propagates.
    session.execute("INSERT INTO b1 (k, c, v, w) VALUES (40, 1, 4000, 't') USING TTL 1")
    assert (4000, 40, 1, "t") in view_rows(session, "b1_by_v")
    time.sleep(2)
    assert check() and all(r[0] != 4000 for r in view_rows(session, "b1_by_v"))
    # The view is readable with the usual SELECT features.
    assert [tuple(r) for r in session.execute("SELECT k, c FROM b1_by_v WHERE v = 20")] == [(2, 2)]
    # Not writable; base table cannot be dropped.
    with pytest.raises(InvalidRequest, match="Cannot directly modify a materialized view"):
        session.execute("INSERT INTO b1_by_v (v, k, c) VALUES (1, 1, 1)")
    with pytest.raises(InvalidRequest, match=r"Cannot drop table when materialized views still depend on it \(" +
                       keyspace + r".\{b1_by_v\}\)"):
        session.execute("DROP TABLE b1")
    # Metadata.
    r = list(session.execute("SELECT * FROM system_schema.views WHERE keyspace_name = %s", (keyspace,)))
    assert [(x.view_name, x.base_table_name, x.include_all_columns) for x in r] == [("b1_by_v", "b1", True)]
    assert r[0].where_clause == "v IS NOT NULL AND k IS NOT NULL AND c IS NOT NULL"
    cluster.refresh_schema_metadata()
    ks = cluster.metadata.keyspaces[keyspace]
    assert "b1_by_v" in ks.views and "b1_by_v" not in ks.tables
    assert [c for c in ks.views["b1_by_v"].columns] == ["v", "k", "c", "w"]
    desc = list(session.execute(f"DESCRIBE MATERIALIZED VIEW {keyspace}.b1_by_v"))
    assert desc[0].create_statement.startswith(f"CREATE MATERIALIZED VIEW {keyspace}.b1_by_v AS\n    SELECT *")
    session.execute("ALTER MATERIALIZED VIEW b1_by_v WITH comment = 'hi'")
    assert ks.views is not None
    session.execute("DROP MATERIALIZED VIEW b1_by_v")
    session.execute("DROP MATERIALIZED VIEW IF EXISTS b1_by_v")
    session.execute("DROP TABLE b1")


def test_view_with_base_key_only_and_selected_columns(session):
    session.execute(BASE.format(t="b2"))
    session.execute("CREATE MATERIALIZED VIEW b2_by_c AS SELECT k, c, w FROM b2 "
                    "WHERE c IS NOT NULL AND k IS NOT NULL PRIMARY KEY (c, k) WITH CLUSTERING ORDER BY (k DESC)")
    for k in range(4):
        session.execute("INSERT INTO b2 (k, c, v, w) VALUES (%s, 1, %s, 'x')", (k, k))
    assert [r.k for r in session.execute("SELECT k FROM b2_by_c WHERE c = 1")] == [3, 2, 1, 0]
    session.execute("UPDATE b2 SET w = 'y' WHERE k = 2 AND c = 1")
    session.execute("DELETE FROM b2 WHERE k = 1 AND c = 1")
    assert [(r.k, r.w) for r in session.execute("SELECT k, w FROM b2_by_c WHERE c = 1")] == [
        (3, "x"), (2, "y"), (0, "x")]


def test_view_errors(session):
    session.execute(BASE.format(t="b3"))
    with pytest.raises(InvalidRequest, match="Cannot include more than one non-primary key column"):
        session.execute("CREATE MATERIALIZED VIEW e AS SELECT * FROM b3 WHERE v IS NOT NULL AND w IS NOT NULL "
                        "AND k IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, w, k, c)")
    with pytest.raises(InvalidRequest, match="without primary key columns from base b3 \\(c\\)"):
        session.execute("CREATE MATERIALIZED VIEW e AS SELECT * FROM b3 WHERE v IS NOT NULL AND k IS NOT NULL "
                        "PRIMARY KEY (v, k)")
    with pytest.raises(InvalidRequest, match="must be restricted with 'IS NOT NULL'"):
        session.execute("CREATE MATERIALIZED VIEW e AS SELECT * FROM b3 WHERE k IS NOT NULL AND c IS NOT NULL "
                        "PRIMARY KEY (v, k, c)")
    session.execute("CREATE MATERIALIZED VIEW e AS SELECT * FROM b3 WHERE v IS NOT NULL AND k IS NOT NULL "
                    "AND c IS NOT NULL PRIMARY KEY (v, k, c)")
    with pytest.raises(AlreadyExists):
        session.execute("CREATE MATERIALIZED VIEW e AS SELECT * FROM b3 WHERE v IS NOT NULL AND k IS NOT NULL "
                        "AND c IS NOT NULL PRIMARY KEY (v, k, c)")
    session.execute("CREATE MATERIALIZED VIEW IF NOT EXISTS e AS SELECT * FROM b3 WHERE v IS NOT NULL "
                    "AND k IS NOT NULL AND c IS NOT NULL PRIMARY KEY (v, k, c)")
    with pytest.raises(InvalidRequest, match="DROP MATERIALIZED VIEW"):
        session.execute("DROP TABLE e")
    with pytest.raises(InvalidRequest, match="doesn't exist"):
        session.execute("DROP MATERIALIZED VIEW nope")
