"""Every scalar CQL type round-trips through the python driver, by literal and by bind value."""

import datetime
import ipaddress
import math
import uuid
from decimal import Decimal

import pytest
from cassandra.util import Date, Time

TYPES = ["ascii", "text", "varchar", "int", "bigint", "smallint", "tinyint", "boolean", "float",
         "double", "blob", "uuid", "timeuuid", "timestamp", "date", "time", "inet", "varint",
         "decimal"]

F32_MAX = 3.4028234663852886e38
MAX_TIME_NS = 86399999999999  # 23:59:59.999999999

# (id, type, CQL literal or None for bind-only, python value expected back / bound)
CASES = [
    ("ascii", "ascii", "'hello'", "hello"),
    ("ascii-empty", "ascii", "''", ""),
    ("ascii-quote", "ascii", "'it''s'", "it's"),
    ("text-unicode", "text", "'héllo wörld ✓ 日本語 🎉'", "héllo wörld ✓ 日本語 🎉"),
    ("text-empty", "text", "''", ""),
    ("text-nul", "text", None, "a\x00b"),
    ("text-long", "text", "'" + "x" * 70000 + "'", "x" * 70000),
    ("varchar", "varchar", "'vc'", "vc"),
    ("int-min", "int", "-2147483648", -2147483648),
    ("int-max", "int", "2147483647", 2147483647),
    ("int-zero", "int", "0", 0),
    ("bigint-min", "bigint", "-9223372036854775808", -9223372036854775808),
    ("bigint-max", "bigint", "9223372036854775807", 9223372036854775807),
    ("smallint-min", "smallint", "-32768", -32768),
    ("smallint-max", "smallint", "32767", 32767),
    ("tinyint-min", "tinyint", "-128", -128),
    ("tinyint-max", "tinyint", "127", 127),
    ("boolean-true", "boolean", "true", True),
    ("boolean-false", "boolean", "FALSE", False),
    ("float", "float", "3.5", 3.5),
    ("float-max", "float", "3.4028234663852886e38", F32_MAX),
    ("float-neg", "float", "-0.125", -0.125),
    ("float-nan", "float", "NaN", float("nan")),
    ("float-inf", "float", "Infinity", float("inf")),
    ("float-neginf", "float", "-Infinity", float("-inf")),
    ("double", "double", "0.1", 0.1),
    ("double-int-literal", "double", "7", 7.0),
    ("double-max", "double", "1.7976931348623157e308", 1.7976931348623157e308),
    ("double-min-subnormal", "double", "5e-324", 5e-324),
    ("double-nan", "double", "NaN", float("nan")),
    ("double-inf", "double", "Infinity", float("inf")),
    ("double-neginf", "double", "-Infinity", float("-inf")),
    ("blob", "blob", "0xCAFEbabe00ff", bytes.fromhex("cafebabe00ff")),
    ("blob-empty", "blob", "0x", b""),
    ("uuid", "uuid", "123e4567-e89b-42d3-a456-426614174000",
     uuid.UUID("123e4567-e89b-42d3-a456-426614174000")),
    ("timeuuid", "timeuuid", "d2177dd0-eaa2-11de-a572-001b779c76e3",
     uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3")),
    ("timestamp-iso", "timestamp", "'2011-02-03T04:05:06.789+0000'",
     datetime.datetime(2011, 2, 3, 4, 5, 6, 789000)),
    ("timestamp-space", "timestamp", "'2011-02-03 04:05:00+0000'",
     datetime.datetime(2011, 2, 3, 4, 5, 0)),
    ("timestamp-millis", "timestamp", "1299038700000", datetime.datetime(2011, 3, 2, 4, 5, 0)),
    ("timestamp-pre-epoch", "timestamp", "-86400000", datetime.datetime(1969, 12, 31)),
    ("date", "date", "'2024-01-01'", Date(datetime.date(2024, 1, 1))),
    ("date-epoch", "date", "'1970-01-01'", Date(0)),
    ("date-9999", "date", "'9999-12-31'", Date(datetime.date(9999, 12, 31))),
    ("date-max", "date", None, Date(2**31 - 1)),   # serialized 0xffffffff
    ("date-min", "date", None, Date(-2**31)),      # serialized 0x00000000
    ("time-max", "time", "'23:59:59.999999999'", Time(MAX_TIME_NS)),
    ("time-midnight", "time", "'00:00:00'", Time(0)),
    ("time-noon", "time", "'12:00:00'", Time(12 * 3600 * 10**9)),
    ("inet-v4", "inet", "'127.0.0.1'", "127.0.0.1"),
    ("inet-v4-b", "inet", "'192.168.10.255'", "192.168.10.255"),
    ("inet-v6-loopback", "inet", "'::1'", "::1"),
    ("inet-v6", "inet", "'2001:db8::ff00:42:8329'", "2001:db8::ff00:42:8329"),
    ("varint-zero", "varint", "0", 0),
    ("varint-huge", "varint", str(2**200 + 12345), 2**200 + 12345),
    ("varint-huge-neg", "varint", str(-(2**127) - 1), -(2**127) - 1),
    ("varint-128", "varint", "128", 128),
    ("varint-minus-129", "varint", "-129", -129),
    ("decimal", "decimal", "1.23", Decimal("1.23")),
    ("decimal-neg", "decimal", "-0.5", Decimal("-0.5")),
    ("decimal-scale", "decimal", "1.230", Decimal("1.230")),
    ("decimal-big", "decimal", "123456789012345678901234567890.123456789",
     Decimal("123456789012345678901234567890.123456789")),
    ("decimal-int", "decimal", "42", Decimal("42")),
]


def same(actual, expected, cql_type=None):
    if cql_type == "inet":
        return isinstance(actual, str) and ipaddress.ip_address(actual) == ipaddress.ip_address(expected)
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    if isinstance(expected, Decimal):
        # Same value *and* same scale (1.230 stays 1.230).
        return isinstance(actual, Decimal) and actual.as_tuple() == expected.as_tuple()
    return type(actual) is type(expected) and actual == expected


@pytest.fixture(scope="module")
def types_table(session):
    cols = ", ".join(f"c_{t} {t}" for t in TYPES)
    session.execute(f"CREATE TABLE all_types (pk int PRIMARY KEY, {cols})")
    return "all_types"


@pytest.fixture(scope="module")
def prepared(session, types_table):
    inserts = {t: session.prepare(f"INSERT INTO all_types (pk, c_{t}) VALUES (?, ?)") for t in TYPES}
    selects = {t: session.prepare(f"SELECT c_{t} FROM all_types WHERE pk = ?") for t in TYPES}
    return inserts, selects


@pytest.mark.parametrize("idx", range(len(CASES)), ids=[c[0] for c in CASES])
def test_literal_round_trip(session, prepared, idx):
    name, cql_type, literal, expected = CASES[idx]
    if literal is None:
        literal = "null"  # bind-only value: the literal path checks null instead
        expected = None
    pk = 2 * idx
    session.execute(f"INSERT INTO all_types (pk, c_{cql_type}) VALUES ({pk}, {literal})")
    got = session.execute(f"SELECT c_{cql_type} FROM all_types WHERE pk = {pk}").one()[0]
    assert (got is None) if expected is None else same(got, expected, cql_type), \
        f"{name}: literal {literal[:60]} read back as {got!r}"
    got_prepared = session.execute(prepared[1][cql_type], [pk]).one()[0]
    assert (got_prepared is None) if expected is None else same(got_prepared, expected, cql_type)


@pytest.mark.parametrize("idx", range(len(CASES)), ids=[c[0] for c in CASES])
def test_bind_round_trip(session, prepared, idx):
    name, cql_type, _, value = CASES[idx]
    pk = 2 * idx + 1
    session.execute(prepared[0][cql_type], [pk, value])
    got = session.execute(prepared[1][cql_type], [pk]).one()[0]
    assert same(got, value, cql_type), f"{name}: bound {value!r} read back as {got!r}"
    got_simple = session.execute(f"SELECT c_{cql_type} FROM all_types WHERE pk = {pk}").one()[0]
    assert same(got_simple, value, cql_type)


def test_result_metadata_types(session, types_table):
    rs = session.execute("SELECT * FROM all_types WHERE pk = -1")
    assert rs.column_names == ["pk"] + sorted(f"c_{t}" for t in TYPES)
    by_name = dict(zip(rs.column_names, rs.column_types))
    for t in TYPES:
        # text and varchar share type id 0x000D, which this driver names "varchar".
        assert by_name[f"c_{t}"].typename == ("varchar" if t in ("text", "varchar") else t), t


def test_nulls_by_literal_and_by_bind(session, types_table):
    cols = ", ".join(f"c_{t}" for t in TYPES)
    nulls = ", ".join("null" for _ in TYPES)
    session.execute(f"INSERT INTO all_types (pk, {cols}) VALUES (100000, {nulls})")
    ins = session.prepare(f"INSERT INTO all_types (pk, {cols}) VALUES (?, {', '.join('?' for _ in TYPES)})")
    session.execute(ins, [100001] + [None] * len(TYPES))
    for pk in (100000, 100001):
        row = session.execute(f"SELECT {cols} FROM all_types WHERE pk = {pk}").one()
        assert row is not None, "a row inserted with only null cells still exists (row marker)"
        assert list(row) == [None] * len(TYPES)


def test_null_overwrites_value(session, types_table):
    session.execute("INSERT INTO all_types (pk, c_int, c_text) VALUES (100002, 5, 'x')")
    ins = session.prepare("INSERT INTO all_types (pk, c_int, c_text) VALUES (?, ?, ?)")
    session.execute(ins, [100002, None, "y"])
    row = session.execute("SELECT c_int, c_text FROM all_types WHERE pk = 100002").one()
    assert row.c_int is None and row.c_text == "y"


KEY_CASES = [
    ("int", 1), ("text", "k"), ("bigint", -5), ("uuid", uuid.UUID(int=7)),
    ("timestamp", datetime.datetime(2020, 5, 6, 7, 8, 9)), ("blob", b"\x00\x01"),
    ("inet", "10.1.2.3"), ("varint", 2**70), ("date", Date(datetime.date(2000, 2, 29))),
    ("boolean", True), ("ascii", "a"), ("tinyint", -1), ("double", -2.5),
]


@pytest.mark.parametrize("cql_type,value", [pytest.param(t, v, id=t) for t, v in KEY_CASES])
def test_type_as_primary_key(session, cql_type, value):
    """Each type can be a partition key and a clustering key; lookups by bind value work."""
    table = f"pk_{cql_type}"
    session.execute(f"CREATE TABLE {table} (p {cql_type}, c {cql_type}, v int, PRIMARY KEY (p, c))")
    ins = session.prepare(f"INSERT INTO {table} (p, c, v) VALUES (?, ?, ?)")
    session.execute(ins, [value, value, 1])
    sel = session.prepare(f"SELECT p, c, v FROM {table} WHERE p = ? AND c = ?")
    row = session.execute(sel, [value, value]).one()
    assert row is not None, f"no row for {value!r}"
    assert same(row.p, value, cql_type) and same(row.c, value, cql_type) and row.v == 1, row
