"""ALTER TABLE: ADD / DROP / RENAME columns and WITH options, with Cassandra 4.0's errors;
dropped data never comes back; system_schema and driver metadata follow every change."""

import time

import pytest
from cassandra import AlreadyExists, InvalidRequest, Unauthorized
from cassandra.protocol import ConfigurationException, SyntaxException

import krill_harness as kh


def columns(session, ks, table):
    return {r.column_name: (r.kind, r.type) for r in session.execute(
        "SELECT column_name, kind, type FROM system_schema.columns "
        "WHERE keyspace_name = %s AND table_name = %s", [ks, table])}


def dropped(session, ks, table):
    return {r.column_name: r for r in session.execute(
        "SELECT * FROM system_schema.dropped_columns WHERE keyspace_name = %s AND table_name = %s",
        [ks, table])}


def invalid(session, cql, message):
    with pytest.raises(InvalidRequest) as ei:
        session.execute(cql)
    assert "code=2200" in str(ei.value)
    assert message in str(ei.value), str(ei.value)


def test_add_regular_and_static_columns(session, cluster, keyspace):
    session.execute("CREATE TABLE add_t (k int, c int, v int, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO add_t (k, c, v) VALUES (1, 1, 10)")
    session.execute("ALTER TABLE add_t ADD w text")
    session.execute("ALTER TABLE add_t ADD (x bigint, s int static)")
    assert columns(session, keyspace, "add_t") == {
        "k": ("partition_key", "int"), "c": ("clustering", "int"), "v": ("regular", "int"),
        "w": ("regular", "text"), "x": ("regular", "bigint"), "s": ("static", "int")}
    row = session.execute("SELECT * FROM add_t WHERE k = 1").one()
    assert (row.v, row.w, row.x, row.s) == (10, None, None, None)
    session.execute("INSERT INTO add_t (k, c, w, x, s) VALUES (1, 2, 'two', 2, 7)")
    rows = list(session.execute("SELECT c, w, x, s FROM add_t WHERE k = 1"))
    assert [(r.c, r.w, r.x, r.s) for r in rows] == [(1, None, None, 7), (2, "two", 2, 7)]
    # The driver refreshed its metadata from the SCHEMA_CHANGE event.
    tm = cluster.metadata.keyspaces[keyspace].tables["add_t"]
    assert tm.columns["w"].cql_type == "text" and tm.columns["s"].is_static

    # IF NOT EXISTS skips existing columns; without it they are an error.
    session.execute("ALTER TABLE add_t ADD IF NOT EXISTS w text")
    invalid(session, "ALTER TABLE add_t ADD w text", "Column with name 'w' already exists")
    invalid(session, "ALTER TABLE add_t ADD k int", "Column with name 'k' already exists")


def test_add_static_needs_clustering_and_counter_rules(session):
    session.execute("CREATE TABLE add_nock (k int PRIMARY KEY, v int)")
    invalid(session, "ALTER TABLE add_nock ADD s int static",
            "Static columns are only useful (and thus allowed) if the table has at least one clustering column")
    invalid(session, "ALTER TABLE add_nock ADD n counter",
            "Cannot add a counter column (n) in a non counter column family")
    invalid(session, "ALTER TABLE add_nock ADD u no_such_type", "Unknown type no_such_type")


def test_drop_column_hides_old_data_even_after_re_add(session, keyspace):
    session.execute("CREATE TABLE drop_t (k int, c int, v text, w int, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO drop_t (k, c, v, w) VALUES (1, 1, 'old', 1)")
    # A row that only exists through the column about to be dropped (no row marker).
    session.execute("UPDATE drop_t SET v = 'only-v' WHERE k = 2 AND c = 2")
    before = time.time()
    session.execute("ALTER TABLE drop_t DROP v")
    assert "v" not in columns(session, keyspace, "drop_t")
    d = dropped(session, keyspace, "drop_t")["v"]
    assert d.kind == "regular" and d.type == "text"
    assert abs(d.dropped_time.timestamp() - before) < 60
    rows = list(session.execute("SELECT * FROM drop_t"))
    assert [(r.k, r.c, r.w) for r in rows] == [(1, 1, 1)]  # row 2 had nothing else: gone
    assert not hasattr(rows[0], "v")

    # Re-adding the name gives a new, empty column: the old cells never resurface.
    session.execute("ALTER TABLE drop_t ADD v text")
    rows = list(session.execute("SELECT k, c, v FROM drop_t"))
    assert [(r.k, r.c, r.v) for r in rows] == [(1, 1, None)]
    session.execute("INSERT INTO drop_t (k, c, v) VALUES (3, 3, 'new')")
    assert session.execute("SELECT v FROM drop_t WHERE k = 3 AND c = 3").one().v == "new"
    assert session.execute("SELECT v FROM drop_t WHERE k = 1 AND c = 1").one().v is None

    invalid(session, "ALTER TABLE drop_t DROP w2", "Column w2 was not found in table '%s.drop_t'" % keyspace)
    session.execute("ALTER TABLE drop_t DROP IF EXISTS w2")
    invalid(session, "ALTER TABLE drop_t DROP k", "Cannot drop PRIMARY KEY column k")
    invalid(session, "ALTER TABLE drop_t DROP c", "Cannot drop PRIMARY KEY column c")


def test_drop_several_columns_and_re_add_rules(session, keyspace):
    session.execute("CREATE TABLE drop_many (k int, c int, a int, b text, s int static, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO drop_many (k, c, a, b, s) VALUES (1, 1, 1, 'b', 5)")
    session.execute("ALTER TABLE drop_many DROP (a, b, s)")
    assert set(columns(session, keyspace, "drop_many")) == {"k", "c"}
    d = dropped(session, keyspace, "drop_many")
    assert {n: (r.kind, r.type) for n, r in d.items()} == {
        "a": ("regular", "int"), "b": ("regular", "text"), "s": ("static", "int")}
    assert [tuple(r) for r in session.execute("SELECT * FROM drop_many")] == [(1, 1)]
    invalid(session, "ALTER TABLE drop_many ADD a text",
            "Cannot re-add previously dropped column 'a' of type text, incompatible with previous type int")
    invalid(session, "ALTER TABLE drop_many ADD s int",
            "Cannot re-add previously dropped column 's' of kind REGULAR, incompatible with previous kind STATIC")
    session.execute("ALTER TABLE drop_many ADD (a int, s int static, b blob)")
    row = session.execute("SELECT * FROM drop_many").one()
    assert (row.a, row.b, row.s) == (None, None, None)


def test_rename_primary_key_columns_only(session, cluster, keyspace):
    session.execute("CREATE TABLE ren_t (k int, c int, v int, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO ren_t (k, c, v) VALUES (1, 2, 3)")
    session.execute("ALTER TABLE ren_t RENAME k TO key2 AND c TO cc")
    assert columns(session, keyspace, "ren_t") == {
        "key2": ("partition_key", "int"), "cc": ("clustering", "int"), "v": ("regular", "int")}
    row = session.execute("SELECT key2, cc, v FROM ren_t WHERE key2 = 1 AND cc = 2").one()
    assert (row.key2, row.cc, row.v) == (1, 2, 3)
    ps = session.prepare("SELECT v FROM ren_t WHERE key2 = ?")
    assert session.execute(ps, [1]).one().v == 3
    tm = cluster.metadata.keyspaces[keyspace].tables["ren_t"]
    assert [c.name for c in tm.primary_key] == ["key2", "cc"]

    invalid(session, "ALTER TABLE ren_t RENAME v TO w", "Cannot rename non PRIMARY KEY column v")
    invalid(session, "ALTER TABLE ren_t RENAME cc TO v",
            "Cannot rename column cc to v in table '%s.ren_t'; another column with that name already exists"
            % keyspace)
    invalid(session, "ALTER TABLE ren_t RENAME nope TO x", "Column nope was not found in table %s.ren_t" % keyspace)
    session.execute("ALTER TABLE ren_t RENAME IF EXISTS nope TO x")


def test_alter_with_options(session, cluster, keyspace):
    session.execute("CREATE TABLE opt_t (k int PRIMARY KEY, v int)")
    session.execute("ALTER TABLE opt_t WITH comment = 'hello' AND gc_grace_seconds = 3600 "
                    "AND default_time_to_live = 100 AND compaction = {'class': 'LeveledCompactionStrategy'}")
    row = session.execute("SELECT comment, gc_grace_seconds, default_time_to_live, compaction "
                          "FROM system_schema.tables WHERE keyspace_name = %s AND table_name = 'opt_t'",
                          [keyspace]).one()
    assert (row.comment, row.gc_grace_seconds, row.default_time_to_live) == ("hello", 3600, 100)
    assert row.compaction["class"] == "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
    opts = cluster.metadata.keyspaces[keyspace].tables["opt_t"].options
    assert opts["comment"] == "hello" and opts["gc_grace_seconds"] == 3600

    with pytest.raises(SyntaxException) as ei:
        session.execute("ALTER TABLE opt_t WITH no_such_option = 1")
    assert "Unknown property 'no_such_option'" in str(ei.value)
    with pytest.raises(ConfigurationException) as ei:
        session.execute("ALTER TABLE opt_t WITH gc_grace_seconds = -1")
    assert "code=2300" in str(ei.value)


def test_alter_errors(session, keyspace):
    session.execute("CREATE TABLE err_t (k int PRIMARY KEY, v int)")
    invalid(session, "ALTER TABLE err_t ALTER v TYPE bigint", "Altering column types is no longer supported")
    invalid(session, "ALTER TABLE no_such_table ADD x int", "Table '%s.no_such_table' doesn't exist" % keyspace)
    invalid(session, "ALTER TABLE no_such_ks.t ADD x int", "Table 'no_such_ks.t' doesn't exist")
    session.execute("ALTER TABLE IF EXISTS no_such_table ADD x int")
    with pytest.raises(Unauthorized):
        session.execute("ALTER TABLE system_schema.tables ADD x int")


def test_alter_keyspace(session, cluster):
    session.execute("CREATE KEYSPACE altks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("ALTER KEYSPACE altks WITH durable_writes = false")
    kh.wait_until(lambda: cluster.metadata.keyspaces["altks"].durable_writes is False, 10,
                  message="the driver to see durable_writes = false")
    session.execute("ALTER KEYSPACE altks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}")
    row = session.execute("SELECT durable_writes, replication FROM system_schema.keyspaces "
                          "WHERE keyspace_name = 'altks'").one()
    assert row.durable_writes is False
    assert dict(row.replication) == {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy",
                                     "datacenter1": "1"}
    invalid(session, "ALTER KEYSPACE no_such_ks WITH durable_writes = false", "Keyspace 'no_such_ks' doesn't exist")
    with pytest.raises(ConfigurationException):
        session.execute("ALTER KEYSPACE altks WITH replication = {'replication_factor': 1}")
    with pytest.raises(SyntaxException):
        session.execute("ALTER KEYSPACE altks WITH no_such_option = 1")
    with pytest.raises(Unauthorized):
        session.execute("ALTER KEYSPACE system_schema WITH durable_writes = false")
    with pytest.raises(AlreadyExists) as ei:
        session.execute("CREATE KEYSPACE altks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    assert ei.value.keyspace == "altks"  # the driver words the message from these fields
    session.execute("CREATE TABLE altks.t (k int PRIMARY KEY)")
    with pytest.raises(AlreadyExists) as ei:
        session.execute("CREATE TABLE altks.t (k int PRIMARY KEY)")
    assert (ei.value.keyspace, ei.value.table) == ("altks", "t")
    invalid(session, "DROP TABLE no_such_ks.t", "Table 'no_such_ks.t' doesn't exist")
    session.execute("DROP KEYSPACE altks")


def test_second_client_sees_changes(session, krill_node, keyspace):
    other = kh.make_cluster(krill_node.native_port)
    try:
        other.connect()
        session.execute("CREATE TABLE ev_t (k int PRIMARY KEY, v int)")
        kh.wait_until(lambda: "ev_t" in other.metadata.keyspaces[keyspace].tables, 10,
                      message="the second client to see ev_t")
        session.execute("ALTER TABLE ev_t ADD w text")
        kh.wait_until(lambda: "w" in other.metadata.keyspaces[keyspace].tables["ev_t"].columns, 10,
                      message="the second client to see column w")
        session.execute("ALTER TABLE ev_t DROP v")
        kh.wait_until(lambda: "v" not in other.metadata.keyspaces[keyspace].tables["ev_t"].columns, 10,
                      message="the second client to see v dropped")
    finally:
        other.shutdown()


def test_dropped_columns_survive_restart(node_factory):
    node = node_factory.create("alter-restart")
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        s.execute("CREATE KEYSPACE ar WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE ar.t (k int, c int, v text, PRIMARY KEY (k, c))")
        s.execute("INSERT INTO ar.t (k, c, v) VALUES (1, 1, 'old')")
        s.execute("ALTER TABLE ar.t DROP v")
        s.execute("ALTER TABLE ar.t RENAME c TO c2")
    finally:
        cluster.shutdown()
    node.restart()
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        assert set(dropped(s, "ar", "t")) == {"v"}
        s.execute("ALTER TABLE ar.t ADD v text")
        assert [(r.k, r.c2, r.v) for r in s.execute("SELECT k, c2, v FROM ar.t")] == [(1, 1, None)]
    finally:
        cluster.shutdown()
