"""Connecting, system tables, driver metadata, schema versions, token-aware routing, events."""

import uuid

from cassandra.metadata import Murmur3Token

import krill_harness as kh

INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


def local_row(session):
    rows = list(session.execute("SELECT * FROM system.local WHERE key = 'local'"))
    assert len(rows) == 1, f"system.local must have exactly one row, got {rows}"
    return rows[0]


def schema_version(session):
    return session.execute(
        "SELECT schema_version FROM system.local WHERE key = 'local'").one().schema_version


def test_driver_negotiates_protocol_v4(krill_node):
    # No protocol_version: the driver starts at DSE v2 (0x42) and downgrades on the server's errors.
    c = kh.make_cluster(krill_node.native_port, protocol_version=None)
    try:
        s = c.connect()
        assert c.protocol_version == 4
        assert s.cluster.protocol_version == 4
        row = s.execute("SELECT release_version FROM system.local").one()
        assert row.release_version.startswith("4.0")
    finally:
        c.shutdown()


def test_system_local_row(session, krill_node):
    row = local_row(session)
    assert row.key == "local"
    assert row.cluster_name == "Test Cluster"
    assert row.release_version.startswith("4.0"), row.release_version
    assert row.cql_version.startswith("3."), row.cql_version
    assert row.partitioner == "org.apache.cassandra.dht.Murmur3Partitioner"
    assert row.data_center == "datacenter1"
    assert row.rack == "rack1"
    assert isinstance(row.host_id, uuid.UUID)
    assert isinstance(row.schema_version, uuid.UUID)
    assert row.rpc_address == "127.0.0.1"
    assert row.tokens, "system.local.tokens must not be empty"
    for t in row.tokens:
        assert isinstance(t, str)
        assert INT64_MIN <= int(t) <= INT64_MAX, t
    # The unrestricted form (used by the Node.js driver) gives the same single row.
    rows = list(session.execute("SELECT cluster_name, host_id FROM system.local"))
    assert len(rows) == 1 and rows[0].host_id == row.host_id


def test_system_peers_are_empty_on_single_node(session):
    assert list(session.execute("SELECT * FROM system.peers")) == []
    assert list(session.execute("SELECT * FROM system.peers_v2")) == []


def test_metadata_lists_system_keyspaces_and_host(cluster, keyspace):
    ks = cluster.metadata.keyspaces
    for name in ("system", "system_schema", keyspace):
        assert name in ks, f"{name} missing from cluster.metadata.keyspaces: {sorted(ks)}"
    for t in ("keyspaces", "tables", "columns", "types", "functions", "aggregates",
              "triggers", "indexes", "views"):
        assert t in ks["system_schema"].tables, f"system_schema.{t} missing from metadata"
    assert "local" in ks["system"].tables and "peers" in ks["system"].tables
    assert cluster.metadata.cluster_name == "Test Cluster"
    hosts = cluster.metadata.all_hosts()
    assert len(hosts) == 1
    h = hosts[0]
    assert h.address == "127.0.0.1"
    assert h.datacenter == "datacenter1" and h.rack == "rack1"
    assert str(h.release_version).startswith("4.0")
    assert h.is_up


def test_table_metadata_keys_order_and_types(session, cluster, keyspace):
    session.execute("""
        CREATE TABLE events (
            tenant text, bucket int, ts timestamp, seq bigint,
            id uuid, payload blob, score double, note varchar, flag boolean,
            PRIMARY KEY ((tenant, bucket), ts, seq)
        ) WITH CLUSTERING ORDER BY (ts DESC, seq ASC)""")
    tm = cluster.metadata.keyspaces[keyspace].tables["events"]
    assert [c.name for c in tm.partition_key] == ["tenant", "bucket"]
    assert [c.name for c in tm.clustering_key] == ["ts", "seq"]
    assert [c.is_reversed for c in tm.clustering_key] == [True, False]
    assert [c.name for c in tm.primary_key] == ["tenant", "bucket", "ts", "seq"]
    expected = {"tenant": "text", "bucket": "int", "ts": "timestamp", "seq": "bigint",
                "id": "uuid", "payload": "blob", "score": "double", "note": "text",
                "flag": "boolean"}
    assert {n: c.cql_type for n, c in tm.columns.items()} == expected
    assert "CLUSTERING ORDER BY (ts DESC, seq ASC)" in tm.export_as_string()

    # The rows behind that metadata, as the drivers read them.
    t = session.execute("SELECT flags FROM system_schema.tables "
                        "WHERE keyspace_name = %s AND table_name = 'events'", [keyspace]).one()
    assert t is not None and set(t.flags) == {"compound"}
    cols = {r.column_name: r for r in session.execute(
        "SELECT column_name, kind, position, clustering_order, type FROM system_schema.columns "
        "WHERE keyspace_name = %s AND table_name = 'events'", [keyspace])}
    assert set(cols) == set(expected)
    assert (cols["tenant"].kind, cols["tenant"].position) == ("partition_key", 0)
    assert (cols["bucket"].kind, cols["bucket"].position) == ("partition_key", 1)
    assert (cols["ts"].kind, cols["ts"].position, cols["ts"].clustering_order) == ("clustering", 0, "desc")
    assert (cols["seq"].kind, cols["seq"].position, cols["seq"].clustering_order) == ("clustering", 1, "asc")
    assert (cols["score"].kind, cols["score"].position, cols["score"].clustering_order) == ("regular", -1, "none")
    assert cols["note"].type == "text"


def test_table_metadata_all_scalar_types(session, cluster, keyspace):
    types = ["ascii", "text", "varchar", "int", "bigint", "smallint", "tinyint", "boolean", "float",
             "double", "blob", "uuid", "timeuuid", "timestamp", "date", "time", "inet", "varint",
             "decimal"]
    cols = ", ".join(f"c_{t} {t}" for t in types)
    session.execute(f"CREATE TABLE scalars (k int PRIMARY KEY, {cols})")
    tm = cluster.metadata.keyspaces[keyspace].tables["scalars"]
    for t in types:
        assert tm.columns[f"c_{t}"].cql_type == ("text" if t == "varchar" else t), t
    assert tm.columns["k"].cql_type == "int"
    assert [c.name for c in tm.partition_key] == ["k"] and tm.clustering_key == []


def test_schema_version_changes_after_each_ddl(session, keyspace):
    seen = [schema_version(session)]
    ddl = [
        "CREATE KEYSPACE sv_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE sv_ks.t1 (k int PRIMARY KEY, v text)",
        "CREATE TABLE sv_ks.t2 (k int, c int, PRIMARY KEY (k, c))",
        "DROP TABLE sv_ks.t1",
        "DROP KEYSPACE sv_ks",
    ]
    for stmt in ddl:
        session.execute(stmt)
        v = schema_version(session)
        assert isinstance(v, uuid.UUID)
        assert v not in seen, f"schema_version did not change after: {stmt}"
        seen.append(v)
    # A statement that changes nothing leaves the version alone.
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("SELECT * FROM system.local")
    assert schema_version(session) == seen[-1]


def test_token_map_and_replicas(session, cluster, keyspace):
    session.execute("CREATE TABLE tok_int (k int PRIMARY KEY, v int)")
    session.execute("CREATE TABLE tok_text (k text PRIMARY KEY, v int)")
    session.execute("CREATE TABLE tok_comp (a int, b text, v int, PRIMARY KEY ((a, b)))")

    tm = cluster.metadata.token_map
    assert tm is not None, "driver built no token map (partitioner / tokens not understood)"
    local_tokens = sorted(int(t) for t in local_row(session).tokens)
    assert sorted(t.value for t in tm.ring) == local_tokens
    host = cluster.metadata.all_hosts()[0]
    assert set(tm.token_to_host_owner.values()) == {host}

    cases = [
        ("tok_int", "SELECT token(k) FROM tok_int WHERE k = ?", (1,),
         b"\x00\x00\x00\x01", -4069959284402364209),
        ("tok_text", "SELECT token(k) FROM tok_text WHERE k = ?", ("hello",),
         b"hello", -3758069500696749310),
        ("tok_comp", "SELECT token(a, b) FROM tok_comp WHERE a = ? AND b = ?", (1, "a"),
         bytes.fromhex("0004000000010000016100"), 6516349416904725244),
    ]
    for table, select, key, routing_key, token in cases:
        session.execute(f"INSERT INTO {table} ({'a, b' if table == 'tok_comp' else 'k'}, v) "
                        f"VALUES ({', '.join(['%s'] * len(key))}, 7)", key)
        ps = session.prepare(select)
        bound = ps.bind(key)
        assert bound.routing_key == routing_key, table
        assert bound.keyspace == keyspace
        assert Murmur3Token.from_key(routing_key).value == token
        assert session.execute(bound).one()[0] == token, f"server token() differs for {table}"
        replicas = cluster.metadata.get_replicas(keyspace, routing_key)
        assert [r.address for r in replicas] == ["127.0.0.1"], table
        # The query is routed to that replica.
        rs = session.execute(bound)
        assert rs.response_future.attempted_hosts[0] == host


def test_schema_change_event_refreshes_other_session(session, cluster, keyspace, krill_node):
    other = kh.make_cluster(krill_node.native_port)
    try:
        other.connect()
        assert "evt" not in other.metadata.keyspaces[keyspace].tables
        session.execute("CREATE TABLE evt (k int PRIMARY KEY, v text)")
        # `other` never ran DDL: only the SCHEMA_CHANGE event pushed on its control connection
        # makes it refresh its metadata.
        kh.wait_until(lambda: "evt" in other.metadata.keyspaces[keyspace].tables, 15,
                      message="the second Cluster to see table evt via a SCHEMA_CHANGE event")
        cols = other.metadata.keyspaces[keyspace].tables["evt"].columns
        assert {n: c.cql_type for n, c in cols.items()} == {"k": "int", "v": "text"}

        session.execute("CREATE KEYSPACE evt_ks WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        kh.wait_until(lambda: "evt_ks" in other.metadata.keyspaces, 15,
                      message="the second Cluster to see keyspace evt_ks")
        session.execute("DROP TABLE evt")
        kh.wait_until(lambda: "evt" not in other.metadata.keyspaces[keyspace].tables, 15,
                      message="the second Cluster to see table evt dropped")
        session.execute("DROP KEYSPACE evt_ks")
        kh.wait_until(lambda: "evt_ks" not in other.metadata.keyspaces, 15,
                      message="the second Cluster to see keyspace evt_ks dropped")
    finally:
        other.shutdown()
