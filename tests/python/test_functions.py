"""CQL native functions: time and uuid functions, blob conversions, CAST and type-cast terms,
token(), writetime()/ttl(), name resolution and error messages."""

import datetime
from decimal import Decimal
import ipaddress
import struct
import time
import uuid

import pytest
from cassandra import InvalidRequest
from cassandra.metadata import Murmur3Token
from cassandra.util import Date, Duration, Time, uuid_from_time


def invalid(session, cql, fragment, params=None):
    with pytest.raises(InvalidRequest) as exc:
        session.execute(cql, params)
    assert fragment in str(exc.value), str(exc.value)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


# Every native type but counter: column name, type, a sample value.
TYPES = [
    ("ac", "ascii", "hello"),
    ("bi", "bigint", -(2**40)),
    ("bl", "blob", b"\x00\x01\xff"),
    ("bo", "boolean", True),
    ("da", "date", Date(datetime.date(2024, 2, 29))),
    ("dc", "decimal", Decimal("-12.345")),
    ("db", "double", 2.5e-8),
    ("du", "duration", Duration(1, 2, 3000)),
    ("fl", "float", 1.5),
    ("ie", "inet", ipaddress.ip_address("10.1.2.3")),
    ("i", "int", -123456),
    ("si", "smallint", 1234),
    ("tx", "text", "zażółć"),
    ("tm", "time", Time(datetime.time(12, 34, 56, 789000))),
    ("ts", "timestamp", datetime.datetime(2015, 5, 21, 11, 3, 2)),
    ("tu", "timeuuid", uuid.UUID("5c0b4e4a-0000-11ee-8080-808080808080")),
    ("ti", "tinyint", -7),
    ("u", "uuid", uuid.UUID("550e8400-e29b-41d4-a716-446655440000")),
    ("vc", "varchar", "plain"),
    ("vi", "varint", 10**30),
]


@pytest.fixture(scope="module")
def conv(session):
    cols = ", ".join(f"{name} {typ}" for name, typ, _ in TYPES)
    session.execute(f"CREATE TABLE conv (k int PRIMARY KEY, {cols})")
    names = ", ".join(name for name, _, _ in TYPES)
    marks = ", ".join("?" for _ in TYPES)
    ps = session.prepare(f"INSERT INTO conv (k, {names}) VALUES (1, {marks})")
    session.execute(ps, [v for _, _, v in TYPES])
    return "conv"


BLOB_CONVERTIBLE = [t for t in TYPES if t[1] != "blob"]  # there is no blobAsBlob


@pytest.mark.parametrize("name,typ,value", BLOB_CONVERTIBLE, ids=[t[1] for t in BLOB_CONVERTIBLE])
def test_blob_conversions_round_trip_every_native_type(session, conv, name, typ, value):
    rs = session.execute(f"SELECT {typ}AsBlob({name}), blobAs{typ}({typ}AsBlob({name})) FROM conv WHERE k = 1")
    assert rs.column_names == [f"system.{typ}asblob({name})", f"system.blobas{typ}(system.{typ}asblob({name}))"]
    blob, back = rs.one()
    if typ == "inet":
        value = str(value)  # the driver returns inet values as strings
    assert isinstance(blob, bytes)
    assert back == value
    # The same through terms: store the blob, then convert it back.
    session.execute(session.prepare(f"INSERT INTO conv (k, bl) VALUES (2, {typ}AsBlob(?))"), [value])
    assert session.execute(f"SELECT blobAs{typ}(bl) FROM conv WHERE k = 2").one()[0] == value


def test_blob_conversions_in_terms(session, conv):
    session.execute("INSERT INTO conv (k, bl, i) VALUES (3, intAsBlob(5), blobAsInt(0x0000000a))")
    row = session.execute("SELECT bl, i, blobAsInt(intAsBlob(5)) AS five FROM conv WHERE k = 3").one()
    assert row.bl == b"\x00\x00\x00\x05" and row.i == 10 and row.five == 5
    invalid(session, "SELECT blobAsInt(0x0102) FROM conv WHERE k = 1",
            "In call to function system.blobasint, value 0x0102 is not a valid binary representation for type int")
    invalid(session, "INSERT INTO conv (k, i) VALUES (4, blobAsInt(0x01))",
            "is not a valid binary representation for type int")


def test_now_and_current_functions(session):
    session.execute("CREATE TABLE tl (k int, c int, t timeuuid, PRIMARY KEY (k, c))")
    for c in range(3):
        session.execute("INSERT INTO tl (k, c, t) VALUES (1, %s, now())", (c,))
    rows = list(session.execute("SELECT t, now(), toTimestamp(now()), currentTimestamp(), currentDate(), "
                                "currentTime(), currentTimeUUID() FROM tl WHERE k = 1"))
    wall = utcnow()
    assert len({r[0] for r in rows}) == 3 and all(r[0].version == 1 for r in rows)
    assert len({r[1] for r in rows}) == 3, "now() gives a new timeuuid per row"
    for r in rows:
        assert abs((r[2] - wall).total_seconds()) < 60
        assert abs((r[3] - wall).total_seconds()) < 60
        assert r[4].date() in (wall.date(), (wall - datetime.timedelta(seconds=60)).date())
        assert isinstance(r[5], Time)
        assert r[6].version == 1
    rs = session.execute("SELECT toTimestamp(now()) FROM tl WHERE k = 1 LIMIT 1")
    assert rs.column_names == ["system.totimestamp(system.now())"]


def test_timeuuid_and_date_conversions(session):
    session.execute("CREATE TABLE tconv (k int PRIMARY KEY, t timeuuid, ts timestamp, d date)")
    when = datetime.datetime(2021, 7, 4, 10, 20, 30, 456000)
    millis = int((when - datetime.datetime(1970, 1, 1)).total_seconds() * 1000)
    tu = uuid_from_time(millis / 1000.0)
    session.execute("INSERT INTO tconv (k, t, ts, d) VALUES (1, %s, %s, '2021-07-04')", (tu, when))
    row = session.execute("SELECT toDate(t), toTimestamp(t), toUnixTimestamp(t), dateOf(t), unixTimestampOf(t), "
                          "toDate(ts), toUnixTimestamp(ts), toTimestamp(d), toUnixTimestamp(d) "
                          "FROM tconv WHERE k = 1").one()
    assert row[0] == Date(datetime.date(2021, 7, 4))
    assert row[1] == when and row[3] == when
    assert row[2] == millis and row[4] == millis
    assert row[5] == Date(datetime.date(2021, 7, 4))
    assert row[6] == millis
    assert row[7] == datetime.datetime(2021, 7, 4)
    assert row[8] == millis - (10 * 3600 + 20 * 60 + 30) * 1000 - 456


def test_min_max_timeuuid_ranges(session):
    session.execute("CREATE TABLE events (k int, t timeuuid, n int, PRIMARY KEY (k, t))")
    base = datetime.datetime(2013, 1, 1)
    for n in range(10):
        ts = base + datetime.timedelta(days=n)
        secs = (ts - datetime.datetime(1970, 1, 1)).total_seconds()
        session.execute("INSERT INTO events (k, t, n) VALUES (1, %s, %s)", (uuid_from_time(secs), n))
    got = [r.n for r in session.execute(
        "SELECT n FROM events WHERE k = 1 AND t > maxTimeuuid('2013-01-03 00:00+0000') "
        "AND t < minTimeuuid('2013-01-07 00:00+0000')")]
    assert got == [3, 4, 5]
    got = [r.n for r in session.execute(
        "SELECT n FROM events WHERE k = 1 AND t >= minTimeuuid('2013-01-03 00:00+0000') "
        "AND t <= maxTimeuuid('2013-01-07 00:00+0000')")]
    assert got == [2, 3, 4, 5, 6]
    row = session.execute("SELECT minTimeuuid('2013-01-03 00:00+0000'), maxTimeuuid(0) FROM events LIMIT 1").one()
    assert row[0].version == 1
    epoch = uuid.UUID("13814000-1dd2-11b2-0000-000000000000").time  # 1970-01-01 in 100ns since 1582
    assert row[1].time == epoch + 9999, "maxTimeuuid is the last tick of its millisecond"


def test_uuid_function(session):
    session.execute("CREATE TABLE ids (id uuid PRIMARY KEY, v int)")
    for v in range(3):
        session.execute("INSERT INTO ids (id, v) VALUES (uuid(), %s)", (v,))
    ids = [r.id for r in session.execute("SELECT id FROM ids")]
    assert len(set(ids)) == 3 and all(i.version == 4 for i in ids)
    session.execute("INSERT INTO ids (id, v) VALUES (now(), 3)")  # a timeuuid is a valid uuid
    assert session.execute("SELECT count(*) FROM ids").one()[0] == 4


# ----------------------------------------------------------------------------- CAST

@pytest.fixture(scope="module")
def casts(session):
    session.execute("CREATE TABLE casts (a tinyint PRIMARY KEY, b smallint, c int, d bigint, e float, f double, "
                    "g decimal, h varint, i int, t text, ts timestamp, dt date, tm time, tu timeuuid, "
                    "ip inet, bo boolean, ac ascii)")
    session.execute("INSERT INTO casts (a, b, c, d, e, f, g, h, ts, dt, tm, tu, ip, bo, ac, t) VALUES "
                    "(1, 2, 3, 4, 5.2, 6.3, 6.3, 4, '2015-05-21 11:03:02+00', '2015-05-21', '11:03:02', "
                    "5c0b4e4a-0000-11ee-8080-808080808080, '127.0.0.1', true, 'test', '12')")
    return "casts"


NUMERIC = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]


@pytest.mark.parametrize("target,expected", [
    ("tinyint", [1, 2, 3, 4, 5, 6, 6, 4, None]),
    ("smallint", [1, 2, 3, 4, 5, 6, 6, 4, None]),
    ("int", [1, 2, 3, 4, 5, 6, 6, 4, None]),
    ("bigint", [1, 2, 3, 4, 5, 6, 6, 4, None]),
    ("float", [1.0, 2.0, 3.0, 4.0, struct.unpack("f", struct.pack("f", 5.2))[0],
               struct.unpack("f", struct.pack("f", 6.3))[0], struct.unpack("f", struct.pack("f", 6.3))[0], 4.0, None]),
    ("double", [1.0, 2.0, 3.0, 4.0, struct.unpack("f", struct.pack("f", 5.2))[0], 6.3, 6.3, 4.0, None]),
    ("decimal", [Decimal("1.0"), Decimal("2.0"), Decimal("3.0"), Decimal("4.0"), Decimal("5.199999809265137"),
                 Decimal("6.3"), Decimal("6.3"), Decimal("4.0"), None]),
    ("varint", [1, 2, 3, 4, 5, 6, 6, 4, None]),
    ("ascii", ["1", "2", "3", "4", "5.2", "6.3", "6.3", "4", None]),
    ("text", ["1", "2", "3", "4", "5.2", "6.3", "6.3", "4", None]),
])
def test_numeric_casts(session, casts, target, expected):
    cols = ", ".join(f"CAST({c} AS {target})" for c in NUMERIC)
    row = session.execute(f"SELECT {cols} FROM casts").one()
    got = list(row)
    if target == "float":
        assert got[:8] == pytest.approx(expected[:8]) and got[8] is None
    else:
        assert got == expected


def test_cast_names_identity_and_nesting(session, casts):
    rs = session.execute("SELECT CAST(b AS int), CAST(c AS int), CAST(d AS double), "
                         "CAST(CAST(CAST(a AS tinyint) AS double) AS text) AS nested FROM casts")
    assert rs.column_names == ["cast(b as int)", "c", "cast(d as double)", "nested"]
    assert tuple(rs.one()) == (2, 3, 4.0, "1.0")


def test_time_and_other_casts(session, casts):
    row = session.execute("SELECT CAST(ts AS date), CAST(dt AS timestamp), CAST(tu AS timestamp), CAST(tu AS date), "
                          "CAST(ts AS text), CAST(dt AS text), CAST(tm AS text), CAST(ip AS text), "
                          "CAST(bo AS text), CAST(ac AS text), CAST(tu AS text) FROM casts").one()
    assert row[0] == Date(datetime.date(2015, 5, 21))
    assert row[1] == datetime.datetime(2015, 5, 21)
    assert isinstance(row[2], datetime.datetime) and row[3] == Date(row[2].date())
    assert tuple(row[4:]) == ("2015-05-21T11:03:02.000Z", "2015-05-21", "11:03:02.000000000", "127.0.0.1",
                              "true", "test", "5c0b4e4a-0000-11ee-8080-808080808080")


@pytest.mark.parametrize("cql,fragment", [
    ("SELECT CAST(a AS boolean) FROM casts", "a cannot be cast to boolean"),
    ("SELECT CAST(t AS int) FROM casts", "t cannot be cast to int"),
    ("SELECT CAST(ts AS int) FROM casts", "ts cannot be cast to int"),
    ("SELECT CAST(a AS counter) FROM casts", "a cannot be cast to counter"),
])
def test_cast_errors(session, casts, cql, fragment):
    invalid(session, cql, fragment)


def test_type_cast_terms(session, casts):
    session.execute("INSERT INTO casts (a, d, h, t) VALUES ((tinyint) 9, (bigint) 5, (int) 7, (text) 'x')")
    row = session.execute("SELECT d, h, t FROM casts WHERE a = (tinyint) 9").one()
    assert tuple(row) == (5, 7, "x")
    ps = session.prepare("SELECT d FROM casts WHERE a = (tinyint) ?")
    assert session.execute(ps, (9,)).one().d == 5
    invalid(session, "INSERT INTO casts (a, d) VALUES (10, (int) 5)", "Cannot assign value (int)5 to d of type bigint")
    invalid(session, "INSERT INTO casts (a, c) VALUES (10, (int) 'x')", "Cannot cast value 'x' to type int")


# ----------------------------------------------------------------------------- resolution and errors

def test_function_names_are_case_insensitive(session, conv):
    rs = session.execute("SELECT INTASBLOB(i), IntAsBlob(i), system.intAsBlob(i), ToJson(tx) FROM conv WHERE k = 1")
    assert rs.column_names[:3] == ["system.intasblob(i)"] * 3
    row = rs.one()
    assert row[0] == row[1] == row[2] == struct.pack(">i", -123456)


@pytest.mark.parametrize("cql,fragment", [
    ("SELECT foo(i) FROM conv", "Unknown function 'foo'"),
    ("SELECT nope.intasblob(i) FROM conv", "Unknown function 'nope.intasblob'"),
    ("SELECT intAsBlob(i, i) FROM conv",
     "Invalid number of arguments in call to function system.intasblob: 1 required but 2 provided"),
    ("SELECT intAsBlob(tx) FROM conv", "Type error: tx cannot be passed as argument 0 of function system.intasblob of type int"),
    ("SELECT sum(tx) FROM conv", "Invalid call to function system.sum, none of its type signatures match"),
    ("SELECT max(max(i)) FROM conv", "aggregate functions cannot be used as arguments of aggregate functions"),
    ("SELECT toDate(i) FROM conv", "Invalid call to function system.todate, none of its type signatures match"),
    ("SELECT fromJson(tx) FROM conv", "fromJson() cannot be used in the selection clause of a SELECT statement"),
    ("INSERT INTO conv (k, i) VALUES (5, textAsBlob('a'))",
     "Type error: cannot assign result of function system.textasblob (type blob) to i (type int)"),
    ("INSERT INTO conv (k, i) VALUES (5, bar())", "Unknown function 'bar'"),
    ("INSERT INTO conv (k, i) VALUES (5, now(1))", "Invalid number of arguments in call to function system.now: 0 required but 1 provided"),
])
def test_function_errors(session, conv, cql, fragment):
    invalid(session, cql, fragment)


def test_token_function(session):
    session.execute("CREATE TABLE tok (k int PRIMARY KEY, v int)")
    for k in range(20):
        session.execute("INSERT INTO tok (k, v) VALUES (%s, %s)", (k, k))

    def token(k):
        return Murmur3Token.from_key(struct.pack(">i", k)).value

    got = sorted(r.k for r in session.execute("SELECT k FROM tok WHERE token(k) > token(5)"))
    assert got == sorted(k for k in range(20) if token(k) > token(5))
    ps = session.prepare("SELECT k, token(k) FROM tok WHERE token(k) >= token(?) AND token(k) <= ?")
    got = [(r[0], r[1]) for r in session.execute(ps, (7, 2**62))]
    assert got == sorted(((k, token(k)) for k in range(20) if token(7) <= token(k) <= 2**62), key=lambda x: x[1])


def test_writetime_and_ttl(session):
    session.execute("CREATE TABLE wt (k int PRIMARY KEY, v int, l list<int>)")
    session.execute("INSERT INTO wt (k, v) VALUES (1, 1) USING TIMESTAMP 1234 AND TTL 1000")
    rs = session.execute("SELECT writetime(v), ttl(v), WRITETIME(v) AS w FROM wt WHERE k = 1")
    assert rs.column_names == ["writetime(v)", "ttl(v)", "w"]
    w, ttl, w2 = rs.one()
    assert w == 1234 == w2 and 990 <= ttl <= 1000
    invalid(session, "SELECT writetime(k) FROM wt", "Cannot use selection function writetime on PRIMARY KEY part k")
    invalid(session, "SELECT writetime(l) FROM wt", "Cannot use selection function writetime on non-frozen collection l")


def test_prepared_metadata_matches_results(session, conv):
    cql = ("SELECT k, count(*), max(i), CAST(i AS text), toJson(tx), intAsBlob(i) AS b, writetime(i), token(k) "
           "FROM conv WHERE k = ?")
    ps = session.prepare(cql)
    rs = session.execute(ps, (1,))
    assert [c[2] for c in ps.result_metadata] == rs.column_names
    assert [c[3].typename for c in ps.result_metadata] == [t.typename for t in rs.column_types]
    assert rs.column_names == ["k", "count", "system.max(i)", "cast(i as text)", "system.tojson(tx)", "b",
                               "writetime(i)", "system.token(k)"]


def test_functions_with_bind_markers(session, conv):
    ps = session.prepare("INSERT INTO conv (k, bl, ts) VALUES (?, intAsBlob(?), dateOf(?))")
    names = [c.name for c in ps.column_metadata]
    assert names == ["k", "arg0(system.intasblob)", "arg0(system.dateof)"]
    assert [c.type.typename for c in ps.column_metadata] == ["int", "int", "timeuuid"]
    when = datetime.datetime(2020, 1, 2)
    session.execute(ps, (6, 42, uuid_from_time((when - datetime.datetime(1970, 1, 1)).total_seconds())))
    row = session.execute("SELECT blobAsInt(bl), ts FROM conv WHERE k = 6").one()
    assert tuple(row) == (42, when)
    # Overloads a marker cannot choose between need a type cast.
    with pytest.raises(InvalidRequest) as exc:
        session.prepare("INSERT INTO conv (k, ts) VALUES (?, toTimestamp(?))")
    assert "Ambiguous call to function system.totimestamp" in str(exc.value)
    ps = session.prepare("INSERT INTO conv (k, ts) VALUES (?, toTimestamp((date) ?))")
    session.execute(ps, (7, Date(datetime.date(2020, 1, 3))))
    assert session.execute("SELECT ts FROM conv WHERE k = 7").one().ts == datetime.datetime(2020, 1, 3)


def test_literal_selectors(session, conv):
    rs = session.execute("SELECT k, (int) 5, intAsBlob(7) FROM conv WHERE k = 1")
    assert tuple(rs.one()) == (1, 5, struct.pack(">i", 7))
    with pytest.raises(InvalidRequest) as exc:
        session.prepare("SELECT ? FROM conv")
    assert "Cannot infer type for term ? in selection clause" in str(exc.value)
