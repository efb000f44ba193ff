"""User-defined types: CREATE / ALTER / DROP TYPE, system_schema.types and driver metadata,
UDT values through the driver (literals, bound values, registered classes), and the errors."""

from collections import namedtuple

import pytest
from cassandra import InvalidRequest
from cassandra.protocol import SyntaxException

import krill_harness as kh


def invalid(session, cql, message):
    with pytest.raises(InvalidRequest) as ei:
        session.execute(cql)
    assert "code=2200" in str(ei.value)
    assert message in str(ei.value), str(ei.value)


def type_row(session, ks, name):
    return session.execute("SELECT field_names, field_types FROM system_schema.types "
                           "WHERE keyspace_name = %s AND type_name = %s", [ks, name]).one()


def test_create_type_schema_and_metadata(session, cluster, keyspace):
    session.execute("CREATE TYPE address (street text, zip int)")
    session.execute(f"CREATE TYPE IF NOT EXISTS {keyspace}.person "
                    "(name text, home frozen<address>, phones list<text>, \"Nick\" text)")
    row = type_row(session, keyspace, "person")
    assert list(row.field_names) == ["name", "home", "phones", "Nick"]
    assert list(row.field_types) == ["text", "frozen<address>", "list<text>", "text"]
    ut = cluster.metadata.keyspaces[keyspace].user_types["address"]
    assert (ut.name, ut.field_names, ut.field_types) == ("address", ["street", "zip"], ["text", "int"])
    # IF NOT EXISTS on an existing type is a no-op; without it, an error.
    session.execute("CREATE TYPE IF NOT EXISTS address (other int)")
    assert list(type_row(session, keyspace, "address").field_names) == ["street", "zip"]
    invalid(session, "CREATE TYPE address (x int)", "A user type with name 'address' already exists")


def test_create_type_errors(session, keyspace):
    invalid(session, "CREATE TYPE dup (a int, a text)", "Duplicate field name 'a' in type 'dup'")
    invalid(session, "CREATE TYPE cnt (a counter)", "A user type cannot contain counters")
    session.execute("CREATE TYPE IF NOT EXISTS inner_t (a int)")
    invalid(session, "CREATE TYPE nf (a inner_t)", "A user type cannot contain non-frozen UDTs")
    invalid(session, "CREATE TYPE unk (a no_such_type)", "Unknown type no_such_type")
    invalid(session, "CREATE TYPE no_such_ks.t (a int)", "Keyspace 'no_such_ks' doesn't exist")
    with pytest.raises(SyntaxException):
        session.execute("CREATE TYPE bitstring (a int)")


def test_frozen_udt_values_round_trip(session, cluster, keyspace):
    session.execute("CREATE TYPE IF NOT EXISTS point (x int, y int, label text)")
    session.execute("CREATE TYPE IF NOT EXISTS shape (name text, corners frozen<list<frozen<point>>>)")
    session.execute("CREATE TABLE shapes (k int, c frozen<point>, s frozen<shape>, "
                    f"m frozen<map<text, frozen<{keyspace}.point>>>, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO shapes (k, c, s) VALUES (1, {x: 2, y: 1}, "
                    "{name: 'tri', corners: [{x: 0, y: 0, label: 'o'}, {x: 1, y: 0}]})")
    session.execute("INSERT INTO shapes (k, c) VALUES (1, {x: 1, y: 5, label: 'a'})")
    rows = list(session.execute("SELECT c, s FROM shapes WHERE k = 1"))
    assert [(r.c.x, r.c.y, r.c.label) for r in rows] == [(1, 5, "a"), (2, 1, None)]  # clustering order
    s = rows[1].s
    assert s.name == "tri" and [(p.x, p.y, p.label) for p in s.corners] == [(0, 0, "o"), (1, 0, None)]

    # Bound values: a tuple in field order, and a registered class.
    ins = session.prepare("INSERT INTO shapes (k, c, m) VALUES (?, ?, ?)")
    session.execute(ins, [2, (3, 4, "t"), {"a": (5, 6, None)}])
    r = session.execute("SELECT c, m FROM shapes WHERE k = 2").one()
    assert (r.c.x, r.c.y, r.c.label) == (3, 4, "t") and (r.m["a"].x, r.m["a"].y) == (5, 6)

    Point = namedtuple("Point", ["x", "y", "label"])
    cluster.register_user_type(keyspace, "point", Point)
    session.execute(ins, [3, Point(7, 8, "p"), None])
    got = session.execute("SELECT c FROM shapes WHERE k = 3").one().c
    assert isinstance(got, Point) and got == Point(7, 8, "p")
    sel = session.prepare("SELECT c FROM shapes WHERE k = ? AND c = ?")
    assert session.execute(sel, [3, Point(7, 8, "p")]).one().c == Point(7, 8, "p")


def test_non_frozen_udt_column(session, keyspace):
    session.execute("CREATE TYPE IF NOT EXISTS nf_t (a int, b text)")
    session.execute("CREATE TABLE nf_tbl (k int PRIMARY KEY, u nf_t)")
    session.execute("INSERT INTO nf_tbl (k, u) VALUES (1, {a: 1, b: 'x'})")
    u = session.execute("SELECT u FROM nf_tbl WHERE k = 1").one().u
    assert (u.a, u.b) == (1, "x")
    session.execute("CREATE TYPE IF NOT EXISTS nf_coll (l list<int>)")
    invalid(session, "CREATE TABLE nf_bad (k int PRIMARY KEY, u nf_coll)",
            "Non-frozen UDTs with nested non-frozen collections are not supported for column u")
    invalid(session, "CREATE TABLE nf_pk (k nf_t PRIMARY KEY)", "Invalid non-frozen user-defined type")
    invalid(session, "ALTER TABLE nf_tbl DROP u", "Cannot drop non-frozen column u of user type nf_t")


def test_alter_type_add_and_rename_fields(session, cluster, keyspace):
    session.execute("CREATE TYPE evolving (a int)")
    session.execute("CREATE TYPE holder (e frozen<evolving>)")
    session.execute("CREATE TABLE evo (k int PRIMARY KEY, e frozen<evolving>, h frozen<holder>)")
    session.execute("INSERT INTO evo (k, e, h) VALUES (1, {a: 1}, {e: {a: 2}})")

    session.execute("ALTER TYPE evolving ADD b text")
    assert list(type_row(session, keyspace, "evolving").field_names) == ["a", "b"]
    kh.wait_until(lambda: cluster.metadata.keyspaces[keyspace].user_types["evolving"].field_names == ["a", "b"],
                  10, message="the driver to see field b")
    r = session.execute("SELECT e, h FROM evo WHERE k = 1").one()
    assert (r.e.a, r.e.b) == (1, None) and (r.h.e.a, r.h.e.b) == (2, None)
    session.execute("INSERT INTO evo (k, e, h) VALUES (2, {a: 3, b: 'bee'}, {e: {a: 4, b: 'nested'}})")
    r = session.execute("SELECT e, h FROM evo WHERE k = 2").one()
    assert (r.e.a, r.e.b, r.h.e.b) == (3, "bee", "nested")

    session.execute("ALTER TYPE evolving RENAME a TO alpha AND b TO beta")
    assert list(type_row(session, keyspace, "evolving").field_names) == ["alpha", "beta"]
    r = session.execute("SELECT e FROM evo WHERE k = 2").one()
    assert (r.e.alpha, r.e.beta) == (3, "bee")
    session.execute("INSERT INTO evo (k, e) VALUES (3, {alpha: 5})")
    assert session.execute("SELECT e FROM evo WHERE k = 3").one().e.alpha == 5

    invalid(session, "ALTER TYPE evolving ADD beta int",
            f"Cannot add field beta to type {keyspace}.evolving: a field with name beta already exists")
    session.execute("ALTER TYPE evolving ADD IF NOT EXISTS beta int")
    invalid(session, "ALTER TYPE evolving RENAME nope TO x", f"Unkown field nope in user type {keyspace}.evolving")
    invalid(session, "ALTER TYPE evolving RENAME alpha TO beta", "Duplicate field name beta")
    invalid(session, "ALTER TYPE evolving ALTER alpha TYPE bigint", "Altering field types is no longer supported")
    invalid(session, "ALTER TYPE evolving ADD self frozen<holder>", "as it would create a circular reference")
    invalid(session, "ALTER TYPE no_such ADD x int", f"Type {keyspace}.no_such doesn't exist")
    session.execute("ALTER TYPE IF EXISTS no_such ADD x int")


def test_adding_a_field_to_a_partition_key_type_is_refused(session, keyspace):
    session.execute("CREATE TYPE pk_t (a int)")
    session.execute("CREATE TABLE pk_tbl (k frozen<pk_t> PRIMARY KEY, v int)")
    invalid(session, "ALTER TYPE pk_t ADD b int",
            f"as the type is being used in partition key by the following tables: {keyspace}.pk_tbl")


def test_drop_type(session, cluster, keyspace):
    session.execute("CREATE TYPE d_inner (a int)")
    session.execute("CREATE TYPE d_outer (i frozen<d_inner>)")
    session.execute("CREATE TABLE d_tbl (k int PRIMARY KEY, o frozen<d_outer>)")
    invalid(session, "DROP TYPE d_inner",
            f"Cannot drop user type '{keyspace}.d_inner' as it is still used by user types d_outer")
    invalid(session, "DROP TYPE d_outer",
            f"Cannot drop user type '{keyspace}.d_outer' as it is still used by tables d_tbl")
    session.execute("DROP TABLE d_tbl")
    session.execute("DROP TYPE d_outer")
    session.execute(f"DROP TYPE {keyspace}.d_inner")
    assert type_row(session, keyspace, "d_inner") is None
    kh.wait_until(lambda: "d_inner" not in cluster.metadata.keyspaces[keyspace].user_types, 10,
                  message="the driver to forget d_inner")
    invalid(session, "DROP TYPE d_inner", f"Type '{keyspace}.d_inner' doesn't exist")
    session.execute("DROP TYPE IF EXISTS d_inner")

    # A dropped column of a user type no longer holds the type.
    session.execute("CREATE TYPE d_col (a int)")
    session.execute("CREATE TABLE d_tbl2 (k int PRIMARY KEY, c frozen<d_col>)")
    session.execute("ALTER TABLE d_tbl2 DROP c")
    dropped_type = session.execute("SELECT type FROM system_schema.dropped_columns WHERE keyspace_name = %s "
                                   "AND table_name = 'd_tbl2'", [keyspace]).one().type
    assert dropped_type == "frozen<tuple<int>>" or dropped_type == "tuple<int>"
    session.execute("DROP TYPE d_col")


def test_type_references_across_keyspaces(session, keyspace):
    session.execute("CREATE KEYSPACE IF NOT EXISTS udt_other WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TYPE udt_other.far (a int)")
    invalid(session, "CREATE TABLE cross_t (k int PRIMARY KEY, f frozen<udt_other.far>)",
            f"Statement on keyspace {keyspace} cannot refer to a user type in keyspace udt_other")
    session.execute("CREATE TABLE udt_other.near (k int PRIMARY KEY, f frozen<udt_other.far>)")
    session.execute("INSERT INTO udt_other.near (k, f) VALUES (1, {a: 9})")
    assert session.execute("SELECT f FROM udt_other.near").one().f.a == 9
    session.execute("DROP KEYSPACE udt_other")  # its types go with it


def test_second_client_sees_type_changes(session, krill_node, keyspace):
    other = kh.make_cluster(krill_node.native_port)
    try:
        other.connect()
        session.execute("CREATE TYPE seen (a int)")
        kh.wait_until(lambda: "seen" in other.metadata.keyspaces[keyspace].user_types, 10,
                      message="the second client to see type seen")
        session.execute("ALTER TYPE seen ADD b int")
        kh.wait_until(lambda: other.metadata.keyspaces[keyspace].user_types["seen"].field_names == ["a", "b"],
                      10, message="the second client to see field b")
        session.execute("DROP TYPE seen")
        kh.wait_until(lambda: "seen" not in other.metadata.keyspaces[keyspace].user_types, 10,
                      message="the second client to see seen dropped")
    finally:
        other.shutdown()


def test_types_survive_restart(node_factory):
    node = node_factory.create("udt-restart")
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        s.execute("CREATE KEYSPACE ur WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TYPE ur.b (x int)")
        s.execute("CREATE TYPE ur.a (inner frozen<b>, tag text)")  # decoding must resolve b before a
        s.execute("CREATE TABLE ur.t (k int PRIMARY KEY, v frozen<a>)")
        s.execute("INSERT INTO ur.t (k, v) VALUES (1, {inner: {x: 7}, tag: 'z'})")
        s.execute("ALTER TYPE ur.b ADD y int")
    finally:
        cluster.shutdown()
    node.restart()
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        assert cluster.metadata.keyspaces["ur"].user_types["b"].field_names == ["x", "y"]
        v = s.execute("SELECT v FROM ur.t WHERE k = 1").one().v
        assert (v.inner.x, v.inner.y, v.tag) == (7, None, "z")
    finally:
        cluster.shutdown()
