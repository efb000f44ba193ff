"""Server-side DESCRIBE (Cassandra 4.0): listings, CREATE statements in Cassandra's layout,
and replaying DESCRIBE's output re-creates the same schema."""

import pytest
from cassandra import InvalidRequest

import krill_harness as kh

OPTIONS = """    AND additional_write_policy = '99p'
    AND bloom_filter_fp_chance = 0.01
    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
    AND cdc = false
    AND comment = ''
    AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
    AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
    AND crc_check_chance = 1.0
    AND default_time_to_live = 0
    AND extensions = {}
    AND gc_grace_seconds = 864000
    AND max_index_interval = 2048
    AND memtable_flush_period_in_ms = 0
    AND min_index_interval = 128
    AND read_repair = 'BLOCKING'
    AND speculative_retry = '99p';"""


def describe(session, cql):
    return [tuple(r) for r in session.execute(cql)]


def invalid(session, cql, message):
    with pytest.raises(InvalidRequest) as ei:
        session.execute(cql)
    assert "code=2200" in str(ei.value)
    assert message in str(ei.value), str(ei.value)


@pytest.fixture(scope="module")
def dks(session):
    """A keyspace with types and tables of every shape, described by the tests below."""
    session.execute("CREATE KEYSPACE dks WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = false")
    for cql in [
        "CREATE TYPE dks.point (x int, y int)",
        "CREATE TYPE dks.\"Shape\" (name text, pts frozen<list<frozen<point>>>, \"Label\" text)",
        "CREATE TABLE dks.simple (k int PRIMARY KEY, v text)",
        "CREATE TABLE dks.clustered (k int, c1 text, c2 timeuuid, s int static, v blob, "
        "PRIMARY KEY (k, c1, c2)) WITH CLUSTERING ORDER BY (c1 ASC, c2 DESC)",
        "CREATE TABLE dks.compound (a int, b text, c int, \"Select\" frozen<\"Shape\">, "
        "t tuple<int, text>, m map<text, frozen<set<int>>>, PRIMARY KEY ((a, b), c)) "
        "WITH comment = 'it''s here' AND gc_grace_seconds = 10 AND default_time_to_live = 60 "
        "AND bloom_filter_fp_chance = 0.001 AND crc_check_chance = 0.5 "
        "AND compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160'} "
        "AND caching = {'keys': 'NONE', 'rows_per_partition': '10'} AND speculative_retry = '50ms'",
        "CREATE TABLE dks.only_key (k int PRIMARY KEY)",
    ]:
        session.execute(cql)
    return "dks"


def test_describe_table_layouts(session, dks):
    rows = describe(session, "DESCRIBE TABLE dks.simple")
    assert rows == [("dks", "table", "simple",
                     "CREATE TABLE dks.simple (\n    k int PRIMARY KEY,\n    v text\n) WITH "
                     + OPTIONS[len("    AND "):])]
    (_, _, _, stmt), = describe(session, "DESCRIBE TABLE dks.clustered")
    assert stmt == ("CREATE TABLE dks.clustered (\n    k int,\n    c1 text,\n    c2 timeuuid,\n"
                    "    s int static,\n    v blob,\n    PRIMARY KEY (k, c1, c2)\n"
                    ") WITH CLUSTERING ORDER BY (c1 ASC, c2 DESC)\n" + OPTIONS)
    (_, _, _, stmt), = describe(session, "DESCRIBE TABLE dks.only_key")
    assert stmt.startswith("CREATE TABLE dks.only_key (\n    k int PRIMARY KEY\n) WITH additional_write_policy")
    (_, _, _, stmt), = describe(session, "DESCRIBE TABLE dks.compound")
    assert stmt.startswith(
        "CREATE TABLE dks.compound (\n    a int,\n    b text,\n    c int,\n    \"Select\" frozen<\"Shape\">,\n"
        "    m map<text, frozen<set<int>>>,\n    t frozen<tuple<int, text>>,\n    PRIMARY KEY ((a, b), c)\n"
        ") WITH CLUSTERING ORDER BY (c ASC)\n")
    for option in ["    AND bloom_filter_fp_chance = 0.001\n",
                   "    AND caching = {'keys': 'NONE', 'rows_per_partition': '10'}\n",
                   "    AND comment = 'it''s here'\n",
                   "    AND compaction = {'class': 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy', "
                   "'sstable_size_in_mb': '160'}\n",
                   "    AND crc_check_chance = 0.5\n", "    AND default_time_to_live = 60\n",
                   "    AND gc_grace_seconds = 10\n", "    AND speculative_retry = '50ms';"]:
        assert option in stmt


def test_describe_keyspace_types_and_listings(session, dks):
    rows = describe(session, "DESCRIBE KEYSPACE dks")
    assert [(r[1], r[2]) for r in rows] == [
        ("keyspace", "dks"), ("type", "point"), ("type", '"Shape"'),
        ("table", "clustered"), ("table", "compound"), ("table", "only_key"), ("table", "simple")]
    assert rows[0][3] == ("CREATE KEYSPACE dks WITH replication = {'class': "
                          "'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'}"
                          "  AND durable_writes = false;")
    assert rows[1][3] == "CREATE TYPE dks.point (\n    x int,\n    y int\n);"
    assert rows[2][3] == ("CREATE TYPE dks.\"Shape\" (\n    name text,\n    pts frozen<list<frozen<point>>>,\n"
                          "    \"Label\" text\n);")
    assert describe(session, "DESCRIBE ONLY KEYSPACE dks") == [rows[0]]
    assert describe(session, "DESCRIBE TYPE dks.point") == [rows[1]]
    assert describe(session, "DESCRIBE dks") == rows

    names = [r[2] for r in describe(session, "DESCRIBE KEYSPACES")]
    assert "dks" in names and "system" in names and "system_schema" in names
    assert names == sorted(names, key=str.lower)

    s2 = session.cluster.connect("dks")
    try:
        assert describe(s2, "DESCRIBE TABLES") == [
            ("dks", "table", n) for n in ["clustered", "compound", "only_key", "simple"]]
        assert describe(s2, "DESCRIBE TYPES") == [("dks", "type", "point"), ("dks", "type", '"Shape"')]
        assert describe(s2, "DESCRIBE KEYSPACE") == rows
        assert describe(s2, "DESCRIBE simple") == describe(s2, "DESCRIBE TABLE simple")
        assert describe(s2, "DESCRIBE point") == [rows[1]]
    finally:
        s2.shutdown()
    # Without a current keyspace, listings cover every keyspace.
    all_tables = describe(session.cluster.connect(), "DESCRIBE TABLES")
    assert ("dks", "table", "simple") in all_tables and ("system", "table", "local") in all_tables


def test_describe_schema_and_cluster(session, dks, krill_node):
    schema = describe(session, "DESCRIBE SCHEMA")
    keyspaces = [r[0] for r in schema if r[1] == "keyspace"]
    assert "dks" in keyspaces and "system" not in keyspaces and "system_schema" not in keyspaces
    full = describe(session, "DESCRIBE FULL SCHEMA")
    assert {"system", "system_schema", "dks"} <= {r[0] for r in full if r[1] == "keyspace"}
    row = session.execute("DESCRIBE CLUSTER").one()
    assert (row.cluster, row.partitioner) == ("Test Cluster", "Murmur3Partitioner")
    assert row.snitch


def test_describe_errors(session, dks):
    invalid(session, "DESCRIBE KEYSPACE nope", "'nope' not found in keyspaces")
    invalid(session, "DESCRIBE TABLE dks.nope", "Table 'nope' not found in keyspace 'dks'")
    invalid(session, "DESCRIBE TYPE dks.nope", "User defined type 'nope' not found in 'dks'")
    invalid(session, "DESCRIBE INDEX dks.nope", "not found in 'dks'")
    invalid(session, "DESCRIBE MATERIALIZED VIEW dks.nope", "Materialized view 'nope' not found in 'dks'")
    invalid(session, "DESCRIBE dks.nope", "'nope' not found in keyspace 'dks'")
    s = session.cluster.connect()
    try:
        invalid(s, "DESCRIBE TABLE simple", "No keyspace specified and no current keyspace")
        invalid(s, "DESCRIBE nope", "'nope' not found in keyspaces")
    finally:
        s.shutdown()


def test_replaying_describe_recreates_the_schema(session, dks, cluster):
    session.execute("ALTER TABLE dks.simple ADD w bigint")
    session.execute("ALTER TABLE dks.simple DROP v")
    before = describe(session, "DESCRIBE KEYSPACE dks")
    statements = [r[3] for r in before]
    session.execute("DROP KEYSPACE dks")
    for stmt in statements:
        session.execute(stmt)
    after = describe(session, "DESCRIBE KEYSPACE dks")
    assert after == before
    # The driver's view agrees too, and the tables work.
    kh.wait_until(lambda: "compound" in cluster.metadata.keyspaces["dks"].tables, 10,
                  message="the driver to see the replayed tables")
    session.execute("INSERT INTO dks.compound (a, b, c, \"Select\", t) VALUES "
                    "(1, 'b', 2, {name: 'n', pts: [{x: 1, y: 2}]}, (3, 'x'))")
    row = session.execute("SELECT \"Select\", t FROM dks.compound WHERE a = 1 AND b = 'b'").one()
    assert row.Select.pts[0].y == 2 and row.t == (3, "x")


def test_describe_with_internals_shows_dropped_columns(session):
    session.execute("CREATE KEYSPACE IF NOT EXISTS dint WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE dint.t (k int, c int, v int, PRIMARY KEY (k, c))")
    session.execute("ALTER TABLE dint.t DROP v")
    session.execute("ALTER TABLE dint.t ADD v int")
    (_, _, _, stmt), = describe(session, "DESCRIBE TABLE dint.t WITH INTERNALS")
    table_id = session.execute("SELECT id FROM system_schema.tables WHERE keyspace_name = 'dint' "
                               "AND table_name = 't'").one().id
    assert f") WITH ID = {table_id}\n    AND CLUSTERING ORDER BY (c ASC)\n" in stmt
    assert "\nALTER TABLE dint.t DROP v USING TIMESTAMP " in stmt
    assert stmt.endswith(";\nALTER TABLE dint.t ADD v int;")
    session.execute("DROP KEYSPACE dint")
