"""Prepared statements and schema changes: a statement whose result or bind columns changed is reported unprepared (0x2500), so drivers re-prepare it, as with Cassandra."""


def test_prepared_select_sees_added_column(session):
    session.execute("CREATE TABLE psc (k int PRIMARY KEY, a int)")
    session.execute("INSERT INTO psc (k, a) VALUES (1, 10)")
    sel = session.prepare("SELECT * FROM psc WHERE k = ?")
    assert list(session.execute(sel, (1,)).one()) == [1, 10]
    session.execute("ALTER TABLE psc ADD b text")
    session.execute("UPDATE psc SET b = 'x' WHERE k = 1")
    # The server reports the statement unprepared; the driver re-prepares and retries.
    row = session.execute(sel, (1,)).one()
    assert (row.k, row.a, row.b) == (1, 10, "x")


def test_prepared_insert_still_works_after_unrelated_ddl(session):
    session.execute("CREATE TABLE psc2 (k int PRIMARY KEY, a int)")
    ins = session.prepare("INSERT INTO psc2 (k, a) VALUES (?, ?)")
    session.execute(ins, (1, 1))
    session.execute("CREATE TABLE psc3 (k int PRIMARY KEY)")  # schema version changes
    session.execute(ins, (2, 2))
    assert sorted(r.k for r in session.execute("SELECT k FROM psc2")) == [1, 2]


def test_execute_after_alter_reports_unprepared(krill_node, session, keyspace):
    import krill_wire as w
    session.execute("CREATE TABLE psc4 (k int PRIMARY KEY, a int)")
    with w.started(krill_node.native_port) as c:
        f = c.request(w.PREPARE, w.long_string(f"SELECT * FROM {keyspace}.psc4 WHERE k = ?"), stream=1)
        assert f.opcode == w.RESULT
        prepared_id = w.parse_prepared(f.body)["id"]
        args = [w.int32(1)]
        assert c.request(w.EXECUTE, w.execute_body(prepared_id, args), stream=2).opcode == w.RESULT
        session.execute("ALTER TABLE psc4 ADD b text")
        # The result columns changed: the old id must not be served with stale metadata.
        f = c.request(w.EXECUTE, w.execute_body(prepared_id, args), stream=3)
        assert f.opcode == w.ERROR
        r = w.Reader(f.body)
        assert r.int() == 0x2500
        r.string()
        assert r.short_bytes() == prepared_id
