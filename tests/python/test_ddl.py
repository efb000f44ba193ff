"""CREATE / DROP KEYSPACE and TABLE, IF [NOT] EXISTS, replication strategies, USE."""

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.metadata import NetworkTopologyStrategy, SimpleStrategy

SIMPLE = "org.apache.cassandra.locator.SimpleStrategy"
NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy"


def ks_row(session, name):
    return session.execute("SELECT keyspace_name, durable_writes, replication "
                           "FROM system_schema.keyspaces WHERE keyspace_name = %s", [name]).one()


def table_names(session, ks):
    return {r.table_name for r in session.execute(
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = %s", [ks])}


def test_create_and_drop_keyspace_simple_strategy(session, cluster):
    session.execute("CREATE KEYSPACE ddl_simple WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    row = ks_row(session, "ddl_simple")
    assert row is not None
    assert dict(row.replication) == {"class": SIMPLE, "replication_factor": "1"}
    assert row.durable_writes is True
    meta = cluster.metadata.keyspaces["ddl_simple"]
    assert isinstance(meta.replication_strategy, SimpleStrategy)
    assert meta.replication_strategy.replication_factor == 1
    assert meta.durable_writes is True

    session.execute("DROP KEYSPACE ddl_simple")
    assert ks_row(session, "ddl_simple") is None
    assert "ddl_simple" not in cluster.metadata.keyspaces


def test_create_and_drop_keyspace_network_topology(session, cluster):
    session.execute("CREATE KEYSPACE ddl_nts WITH replication = "
                    "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1} AND durable_writes = true")
    row = ks_row(session, "ddl_nts")
    assert dict(row.replication) == {"class": NTS, "datacenter1": "1"}
    meta = cluster.metadata.keyspaces["ddl_nts"]
    assert isinstance(meta.replication_strategy, NetworkTopologyStrategy)
    assert meta.replication_strategy.dc_replication_factors == {"datacenter1": 1}

    # Token-aware routing works for NTS keyspaces too.
    session.execute("CREATE TABLE ddl_nts.t (k int PRIMARY KEY, v int)")
    session.execute("INSERT INTO ddl_nts.t (k, v) VALUES (1, 2)")
    ps = session.prepare("SELECT v FROM ddl_nts.t WHERE k = ?")
    bound = ps.bind([1])
    assert [h.address for h in cluster.metadata.get_replicas("ddl_nts", bound.routing_key)] == ["127.0.0.1"]
    assert session.execute(bound).one().v == 2

    session.execute("DROP KEYSPACE ddl_nts")
    assert ks_row(session, "ddl_nts") is None
    assert "ddl_nts" not in cluster.metadata.keyspaces
    assert table_names(session, "ddl_nts") == set()


def test_keyspace_if_not_exists_and_already_exists(session):
    session.execute("CREATE KEYSPACE ddl_dup WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    try:
        with pytest.raises(AlreadyExists) as ei:  # wire code 0x2400
            session.execute("CREATE KEYSPACE ddl_dup WITH replication = "
                            "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        assert ei.value.keyspace == "ddl_dup"
        assert not ei.value.table
        # IF NOT EXISTS: no error and the existing definition is kept.
        session.execute("CREATE KEYSPACE IF NOT EXISTS ddl_dup WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 3}")
        assert dict(ks_row(session, "ddl_dup").replication)["replication_factor"] == "1"
        # Keywords and unquoted names are case-insensitive.
        with pytest.raises(AlreadyExists):
            session.execute("create KEYSPACE DDL_Dup with REPLICATION = "
                            "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    finally:
        session.execute("DROP KEYSPACE ddl_dup")
    with pytest.raises(InvalidRequest):
        session.execute("DROP KEYSPACE ddl_dup")
    session.execute("DROP KEYSPACE IF EXISTS ddl_dup")


def test_table_if_not_exists_and_already_exists(session, keyspace):
    session.execute("CREATE TABLE dup_t (k int PRIMARY KEY, v text)")
    with pytest.raises(AlreadyExists) as ei:
        session.execute("CREATE TABLE dup_t (k int PRIMARY KEY, v text)")
    assert ei.value.keyspace == keyspace and ei.value.table == "dup_t"
    session.execute(f"CREATE TABLE IF NOT EXISTS {keyspace}.dup_t (k int PRIMARY KEY, other int)")
    cols = {r.column_name for r in session.execute(
        "SELECT column_name FROM system_schema.columns WHERE keyspace_name = %s AND table_name = 'dup_t'",
        [keyspace])}
    assert cols == {"k", "v"}
    session.execute("DROP TABLE dup_t")
    with pytest.raises(InvalidRequest):
        session.execute("DROP TABLE dup_t")
    session.execute("DROP TABLE IF EXISTS dup_t")
    with pytest.raises(InvalidRequest):
        session.execute("CREATE TABLE no_such_keyspace_x.t (k int PRIMARY KEY)")


def test_compound_partition_key_and_clustering_desc(session, cluster, keyspace):
    session.execute("""
        CREATE TABLE ddl_compound (
            a text, b int, c int, d text, v bigint,
            PRIMARY KEY ((a, b), c, d)
        ) WITH CLUSTERING ORDER BY (c DESC, d ASC)""")
    assert "ddl_compound" in table_names(session, keyspace)
    tm = cluster.metadata.keyspaces[keyspace].tables["ddl_compound"]
    assert [c.name for c in tm.partition_key] == ["a", "b"]
    assert [(c.name, c.is_reversed) for c in tm.clustering_key] == [("c", True), ("d", False)]

    ins = session.prepare("INSERT INTO ddl_compound (a, b, c, d, v) VALUES (?, ?, ?, ?, ?)")
    for c in (1, 3, 2):
        for d in ("z", "a", "m"):
            session.execute(ins, ("p", 1, c, d, c * 100))
    session.execute(ins, ("p", 2, 9, "x", 0))  # another partition with the same `a`
    rows = list(session.execute("SELECT c, d FROM ddl_compound WHERE a = 'p' AND b = 1"))
    assert [(r.c, r.d) for r in rows] == [(3, "a"), (3, "m"), (3, "z"), (2, "a"), (2, "m"),
                                          (2, "z"), (1, "a"), (1, "m"), (1, "z")]
    # Both partition key columns are needed.
    with pytest.raises(InvalidRequest):
        session.execute("INSERT INTO ddl_compound (a, c, d, v) VALUES ('p', 1, 'x', 1)")

    session.execute("DROP TABLE ddl_compound")
    assert "ddl_compound" not in table_names(session, keyspace)
    assert "ddl_compound" not in cluster.metadata.keyspaces[keyspace].tables
    with pytest.raises(InvalidRequest):
        session.execute("SELECT * FROM ddl_compound")


def test_dropped_table_data_is_gone_when_recreated(session):
    session.execute("CREATE TABLE recreated (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO recreated (k, v) VALUES (1, 'old')")
    session.execute("DROP TABLE recreated")
    session.execute("CREATE TABLE recreated (k int PRIMARY KEY, v text)")
    assert list(session.execute("SELECT * FROM recreated")) == []


def test_drop_keyspace_drops_its_tables(session):
    session.execute("CREATE KEYSPACE ddl_drop WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE ddl_drop.t1 (k int PRIMARY KEY)")
    session.execute("CREATE TABLE ddl_drop.t2 (k int PRIMARY KEY)")
    session.execute("INSERT INTO ddl_drop.t1 (k) VALUES (1)")
    assert table_names(session, "ddl_drop") == {"t1", "t2"}
    session.execute("DROP KEYSPACE ddl_drop")
    assert table_names(session, "ddl_drop") == set()
    session.execute("CREATE KEYSPACE ddl_drop WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE ddl_drop.t1 (k int PRIMARY KEY)")
    assert list(session.execute("SELECT * FROM ddl_drop.t1")) == []
    session.execute("DROP KEYSPACE ddl_drop")


def test_use_keyspace(cluster, keyspace):
    s = cluster.connect()
    try:
        s.execute(f"USE {keyspace}")
        assert s.keyspace == keyspace
        s.execute("CREATE TABLE use_t (k int PRIMARY KEY, v text)")
        s.execute("INSERT INTO use_t (k, v) VALUES (1, 'one')")
        assert s.execute("SELECT v FROM use_t WHERE k = 1").one().v == "one"
        assert s.execute(f"SELECT v FROM {keyspace}.use_t WHERE k = 1").one().v == "one"

        # Quoted, case-sensitive keyspace names.
        s.execute('CREATE KEYSPACE "MixedCase" WITH replication = '
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute('USE "MixedCase"')
        assert s.keyspace == "MixedCase"
        s.execute("CREATE TABLE t (k int PRIMARY KEY)")
        s.execute("INSERT INTO t (k) VALUES (5)")
        assert [r.k for r in s.execute('SELECT k FROM "MixedCase".t')] == [5]
        assert "MixedCase" in cluster.metadata.keyspaces
        with pytest.raises(InvalidRequest):
            s.execute("SELECT k FROM mixedcase.t")
        s.execute('DROP KEYSPACE "MixedCase"')

        with pytest.raises(InvalidRequest):
            s.execute("USE no_such_keyspace_y")
    finally:
        s.shutdown()
