"""Error responses reach the driver with the right error class (wire code) and leave the session usable."""

import struct
import uuid

import pytest
from cassandra import InvalidRequest
from cassandra.protocol import SyntaxException


@pytest.fixture(scope="module")
def typed(session):
    session.execute("CREATE TABLE typed (pk int, ck int, i int, b bigint, t text, a ascii, u uuid, "
                    "bo boolean, ip inet, d date, ti tinyint, PRIMARY KEY (pk, ck))")
    return "typed"


def assert_still_usable(session):
    assert session.execute("SELECT release_version FROM system.local").one() is not None


@pytest.mark.parametrize("cql", [
    "SELEC * FROM typed",
    "SELECT * FROM",
    "SELECT * FROM typed WHERE",
    "INSERT INTO typed (pk, ck) VALUES (1, 2",
    "CREATE TABLE (k int PRIMARY KEY)",
    "SELECT * FROM typed WHERE pk = 1 AND AND ck = 2",
    "BEGIN BATCH INSERT INTO typed (pk, ck) VALUES (1, 1)",
    "'unterminated",
    "SELECT * FROM typed; garbage here",
])
def test_syntax_errors(session, typed, cql):
    with pytest.raises(SyntaxException) as ei:  # wire code 0x2000
        session.execute(cql)
    assert type(ei.value).error_code == 0x2000
    assert_still_usable(session)


def test_syntax_error_on_prepare(session, typed):
    with pytest.raises(SyntaxException):
        session.prepare("SELECT FROM WHERE typed")
    assert_still_usable(session)


@pytest.mark.parametrize("cql", [
    "SELECT * FROM no_such_table",
    "INSERT INTO no_such_table (k) VALUES (1)",
    "SELECT * FROM no_such_keyspace.typed",
    "INSERT INTO no_such_keyspace.typed (pk, ck) VALUES (1, 1)",
    "UPDATE no_such_keyspace.t SET v = 1 WHERE k = 1",
    "DELETE FROM no_such_table WHERE k = 1",
    "USE no_such_keyspace",
    "DROP TABLE no_such_table",
    "SELECT * FROM system.no_such_system_table",
])
def test_unknown_keyspace_or_table(session, typed, cql):
    with pytest.raises(InvalidRequest):  # wire code 0x2200
        session.execute(cql)
    assert_still_usable(session)


def test_unknown_table_on_prepare(session, typed):
    with pytest.raises(InvalidRequest):
        session.prepare("SELECT * FROM no_such_table WHERE k = ?")
    with pytest.raises(InvalidRequest):
        session.prepare("SELECT nope FROM typed WHERE pk = ?")


@pytest.mark.parametrize("cql", [
    "INSERT INTO typed (pk, ck, i) VALUES (1, 1, 'not an int')",
    "INSERT INTO typed (pk, ck, i) VALUES (1, 1, 2147483648)",
    "INSERT INTO typed (pk, ck, ti) VALUES (1, 1, 128)",
    "INSERT INTO typed (pk, ck, t) VALUES (1, 1, 42)",
    "INSERT INTO typed (pk, ck, bo) VALUES (1, 1, 'yes')",
    "INSERT INTO typed (pk, ck, u) VALUES (1, 1, 'not-a-uuid')",
    "INSERT INTO typed (pk, ck, ip) VALUES (1, 1, 'not.an.ip.address')",
    "INSERT INTO typed (pk, ck, d) VALUES (1, 1, '2024-13-45')",
    "INSERT INTO typed (pk, ck, a) VALUES (1, 1, 'héllo')",
    "SELECT * FROM typed WHERE pk = 'one'",
    "UPDATE typed SET i = 'x' WHERE pk = 1 AND ck = 1",
])
def test_wrong_literal_type(session, typed, cql):
    with pytest.raises(InvalidRequest):  # wire code 0x2200
        session.execute(cql)
    assert list(session.execute("SELECT * FROM typed WHERE pk = 1")) == []


@pytest.mark.parametrize("column,raw", [
    ("i", b"\x00\x00\x01"),                 # int: 3 bytes
    ("i", b"\x00\x00\x00\x00\x01"),         # int: 5 bytes
    ("b", b"\x00\x00\x00\x01"),             # bigint: 4 bytes
    ("u", uuid.uuid4().bytes[:15]),         # uuid: 15 bytes
    ("bo", b"\x00\x01"),                    # boolean: 2 bytes
    ("ip", b"\x7f\x00\x00\x01\x00"),        # inet: 5 bytes
    ("d", b"\x80\x00\x00"),                 # date: 3 bytes
    ("ti", b"\x00\x01"),                    # tinyint: 2 bytes
    ("t", b"\xff\xfe\xfd"),                 # text: invalid UTF-8
    ("a", "é".encode()),                   # ascii: non-ASCII byte
])
def test_wrong_size_bound_value(session, typed, column, raw):
    ps = session.prepare(f"INSERT INTO typed (pk, ck, {column}) VALUES (?, ?, ?)")
    bound = ps.bind((2, 1, None))
    # Replace the serialized value with raw bytes the driver would never produce.
    bound.values[2] = raw
    with pytest.raises(InvalidRequest):
        session.execute(bound)
    assert list(session.execute("SELECT * FROM typed WHERE pk = 2")) == []
    # The same statement with a proper value still works.
    bound.values[2] = None
    session.execute(bound)
    assert session.execute("SELECT ck FROM typed WHERE pk = 2").one().ck == 1
    session.execute("DELETE FROM typed WHERE pk = 2")


def test_wrong_size_key_value(session, typed):
    ps = session.prepare("SELECT * FROM typed WHERE pk = ?")
    bound = ps.bind((1,))
    bound.values[0] = struct.pack(">q", 1)  # 8 bytes for an int partition key
    with pytest.raises(InvalidRequest):
        session.execute(bound)


@pytest.mark.parametrize("cql", [
    "INSERT INTO typed (ck, i) VALUES (1, 1)",          # no partition key
    "INSERT INTO typed (pk, i) VALUES (1, 1)",          # no clustering key
    "INSERT INTO typed (pk, ck, nope) VALUES (1, 1, 1)",  # unknown column
    "INSERT INTO typed (pk, ck, i) VALUES (1, 1)",      # fewer values than columns
    "INSERT INTO typed (pk, ck, i, i) VALUES (1, 1, 1, 1)",  # duplicate column
    "UPDATE typed SET pk = 2 WHERE pk = 1 AND ck = 1",  # primary key columns cannot be SET
    "DELETE FROM typed WHERE ck = 1",                   # no partition key
    "SELECT * FROM typed WHERE pk = null",
])
def test_invalid_statements(session, typed, cql):
    with pytest.raises(InvalidRequest):
        session.execute(cql)
    assert_still_usable(session)


def test_null_partition_key_bind_value(session, typed):
    ps = session.prepare("INSERT INTO typed (pk, ck, i) VALUES (?, ?, ?)")
    with pytest.raises(InvalidRequest):
        session.execute(ps, (None, 1, 1))
    with pytest.raises(InvalidRequest):
        session.execute(ps, (1, None, 1))
