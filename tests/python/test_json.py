"""JSON: SELECT JSON, toJson(), INSERT JSON (DEFAULT NULL / DEFAULT UNSET) and fromJson()."""

import datetime
from decimal import Decimal
import json
import uuid

import pytest
from cassandra import InvalidRequest
from cassandra.query import SimpleStatement
from cassandra.util import Date, Duration, Time


def invalid(session, cql, fragment, params=None):
    with pytest.raises(InvalidRequest) as exc:
        session.execute(cql, params)
    assert fragment in str(exc.value), str(exc.value)


def select_json(session, cql, params=None):
    rs = session.execute(cql, params)
    assert rs.column_names == ["[json]"]
    return [json.loads(r[0]) for r in rs]


# column, type, value bound by the driver, expected JSON value
TYPES = [
    ("ac", "ascii", "hello", "hello"),
    ("bi", "bigint", -(2**40), -(2**40)),
    ("bl", "blob", b"\x00\x01\xff", "0x0001ff"),
    ("bo", "boolean", True, True),
    ("da", "date", Date(datetime.date(2024, 2, 29)), "2024-02-29"),
    ("dc", "decimal", Decimal("-12.345"), -12.345),
    ("db", "double", 2.5e-8, 2.5e-8),
    ("du", "duration", Duration(1, 2, 3000), "1mo2d3us"),
    ("fl", "float", 1.5, 1.5),
    ("ie", "inet", "10.1.2.3", "10.1.2.3"),
    ("i", "int", -123456, -123456),
    ("si", "smallint", 1234, 1234),
    ("tx", "text", 'zażółć "q" \\ \n', 'zażółć "q" \\ \n'),
    ("tm", "time", Time(datetime.time(12, 34, 56, 789000)), "12:34:56.789000000"),
    ("ts", "timestamp", datetime.datetime(2015, 5, 21, 11, 3, 2, 5000), "2015-05-21 11:03:02.005Z"),
    ("tu", "timeuuid", uuid.UUID("5c0b4e4a-0000-11ee-8080-808080808080"), "5c0b4e4a-0000-11ee-8080-808080808080"),
    ("ti", "tinyint", -7, -7),
    ("u", "uuid", uuid.UUID("550e8400-e29b-41d4-a716-446655440000"), "550e8400-e29b-41d4-a716-446655440000"),
    ("vc", "varchar", "plain", "plain"),
    ("vi", "varint", 10**30, 10**30),
    ("li", "list<int>", [3, 1, 2], [3, 1, 2]),
    ("st", "set<text>", {"b", "a"}, ["a", "b"]),
    ("mi", "map<int, text>", {2: "b", 1: "a"}, {"1": "a", "2": "b"}),
    ("mt", "map<text, frozen<list<int>>>", {"x": [1, 2]}, {"x": [1, 2]}),
    ("tp", "tuple<int, text, boolean>", (1, "a", None), [1, "a", None]),
    ("fl2", "frozen<list<frozen<set<int>>>>", [{2, 1}, set()], [[1, 2], []]),
    ("ms", "map<frozen<set<int>>, int>", {frozenset([1, 2]): 5}, {"[1, 2]": 5}),
]


@pytest.fixture(scope="module")
def everything(session):
    cols = ", ".join(f"{name} {typ}" for name, typ, _, _ in TYPES)
    session.execute(f"CREATE TABLE everything (k int PRIMARY KEY, {cols})")
    names = ", ".join(name for name, _, _, _ in TYPES)
    marks = ", ".join("?" for _ in TYPES)
    ps = session.prepare(f"INSERT INTO everything (k, {names}) VALUES (1, {marks})")
    session.execute(ps, [v for _, _, v, _ in TYPES])
    session.execute("INSERT INTO everything (k) VALUES (2)")
    return "everything"


def test_select_json_every_type(session, everything):
    (doc,) = select_json(session, "SELECT JSON * FROM everything WHERE k = 1")
    expected = {"k": 1}
    expected.update({name: exp for name, _, _, exp in TYPES})
    assert doc == expected
    (doc,) = select_json(session, "SELECT JSON * FROM everything WHERE k = 2")
    assert doc == dict({name: None for name, _, _, _ in TYPES}, k=2), "missing values are null"


def test_select_json_text_format(session, everything):
    text = session.execute("SELECT JSON k, i, tx, li, mi FROM everything WHERE k = 1").one()[0]
    assert text == ('{"k": 1, "i": -123456, "tx": "zażółć \\"q\\" \\\\ \\n", "li": [3, 1, 2], '
                    '"mi": {"1": "a", "2": "b"}}')


@pytest.mark.parametrize("name,typ,value,expected", TYPES, ids=[t[1] for t in TYPES])
def test_to_json_every_type(session, everything, name, typ, value, expected):
    rs = session.execute(f"SELECT toJson({name}) FROM everything WHERE k = 1")
    assert rs.column_names == [f"system.tojson({name})"]
    assert json.loads(rs.one()[0]) == expected
    assert session.execute(f"SELECT toJson({name}) FROM everything WHERE k = 2").one()[0] == "null"


@pytest.mark.parametrize("name,typ,value,expected", TYPES, ids=[t[1] for t in TYPES])
def test_insert_json_round_trips_every_type(session, everything, name, typ, value, expected):
    doc = {"k": 100, name: expected}
    session.execute("INSERT INTO everything JSON %s", (json.dumps(doc),))
    (got,) = select_json(session, f"SELECT JSON k, {name} FROM everything WHERE k = 100")
    assert got == doc
    stored = session.execute(f"SELECT {name} FROM everything WHERE k = 100").one()[0]
    original = session.execute(f"SELECT {name} FROM everything WHERE k = 1").one()[0]
    assert stored == original
    # fromJson() gives the same value in a VALUES clause.
    session.execute(f"INSERT INTO everything (k, {name}) VALUES (101, fromJson(%s))", (json.dumps(expected),))
    assert session.execute(f"SELECT {name} FROM everything WHERE k = 101").one()[0] == original


def test_select_json_names_aggregates_and_aliases(session):
    session.execute('CREATE TABLE jn (k int, c int, "Mixed" int, v int, PRIMARY KEY (k, c))')
    for c in range(3):
        session.execute('INSERT INTO jn (k, c, "Mixed", v) VALUES (1, %s, %s, %s)', (c, c * 2, c * 10))
    assert select_json(session, 'SELECT JSON c, "Mixed" FROM jn WHERE k = 1 AND c = 1') == [{"c": 1, '"Mixed"': 2}]
    assert select_json(session, "SELECT JSON count(*), max(v), min(v) AS low, toJson(c) FROM jn WHERE k = 1") == \
        [{"count": 3, "system.max(v)": 20, "low": 0, "system.tojson(c)": "0"}]
    assert select_json(session, "SELECT JSON c, writetime(v) AS w FROM jn WHERE k = 1 AND c = 0")[0]["w"] > 0
    ps = session.prepare("SELECT JSON * FROM jn WHERE k = ?")
    assert [(c[2], c[3].typename) for c in ps.result_metadata] == [("[json]", "varchar")]
    docs = [json.loads(r[0]) for r in session.execute(ps, (1,))]
    assert docs == [{"k": 1, "c": c, '"Mixed"': c * 2, "v": c * 10} for c in range(3)]
    session.execute('INSERT INTO jn JSON \'{"k": 2, "c": 0, "\\"Mixed\\"": 7}\'')
    assert session.execute('SELECT "Mixed" FROM jn WHERE k = 2').one()[0] == 7
    invalid(session, 'INSERT INTO jn JSON \'{"k": 2, "c": 0, "mixed": 7}\'',
            "JSON values map contains unrecognized column: mixed")
    # Unquoted keys are case-insensitive, as unquoted identifiers.
    session.execute('INSERT INTO jn JSON \'{"K": 3, "C": 0, "V": 1}\'')
    assert session.execute("SELECT v FROM jn WHERE k = 3").one()[0] == 1


def test_select_json_paging(session):
    session.execute("CREATE TABLE jp (k int, c int, v text, PRIMARY KEY (k, c))")
    for c in range(7):
        session.execute("INSERT INTO jp (k, c, v) VALUES (1, %s, %s)", (c, str(c)))
    rs = session.execute(SimpleStatement("SELECT JSON c, v FROM jp WHERE k = 1", fetch_size=2))
    assert [json.loads(r[0]) for r in rs] == [{"c": c, "v": str(c)} for c in range(7)]


def test_insert_json_default_null_and_unset(session):
    session.execute("CREATE TABLE jd (k int PRIMARY KEY, a int, b text, s set<int>)")
    session.execute("INSERT INTO jd (k, a, b, s) VALUES (1, 1, 'one', {1})")
    session.execute('INSERT INTO jd JSON \'{"k": 1, "a": 2}\' DEFAULT UNSET')
    assert tuple(session.execute("SELECT a, b, s FROM jd WHERE k = 1").one()) == (2, "one", {1})
    session.execute('INSERT INTO jd JSON \'{"k": 1, "a": 3}\'')
    assert tuple(session.execute("SELECT a, b, s FROM jd WHERE k = 1").one()) == (3, None, None)
    session.execute('INSERT INTO jd JSON \'{"k": 1, "b": "x"}\' DEFAULT NULL')
    assert tuple(session.execute("SELECT a, b, s FROM jd WHERE k = 1").one()) == (None, "x", None)
    session.execute('INSERT INTO jd JSON \'{"k": 1, "a": null, "b": "y"}\' DEFAULT UNSET')
    assert tuple(session.execute("SELECT a, b FROM jd WHERE k = 1").one()) == (None, "y")


def test_insert_json_prepared_and_numbers_as_strings(session):
    session.execute("CREATE TABLE jq (k int PRIMARY KEY, v bigint, d decimal, ts timestamp, f double)")
    ps = session.prepare("INSERT INTO jq JSON ?")
    assert [(c.name, c.type.typename) for c in ps.column_metadata] == [("[json]", "varchar")]
    session.execute(ps, ['{"k": "1", "v": "12345678901", "d": "1.50", "ts": 1000, "f": "NaN"}'])
    row = session.execute("SELECT v, d, ts, f FROM jq WHERE k = 1").one()
    assert row.v == 12345678901 and row.d == Decimal("1.50")
    assert row.ts == datetime.datetime(1970, 1, 1, 0, 0, 1)
    assert row.f != row.f  # NaN
    assert select_json(session, "SELECT JSON f, d FROM jq WHERE k = 1") == [{"f": None, "d": 1.5}]


def test_from_json_in_update(session):
    session.execute("CREATE TABLE ju (k int PRIMARY KEY, l list<int>, m map<text, int>, t text)")
    session.execute("UPDATE ju SET l = fromJson('[1, 2]'), m = fromJson(%s), t = fromJson('\"hi\"') WHERE k = 1",
                    ('{"a": 1}',))
    row = session.execute("SELECT l, m, t FROM ju WHERE k = 1").one()
    assert row.l == [1, 2] and dict(row.m) == {"a": 1} and row.t == "hi"
    session.execute("UPDATE ju SET t = fromJson('null') WHERE k = 1")
    assert session.execute("SELECT t FROM ju WHERE k = 1").one().t is None


@pytest.mark.parametrize("cql,fragment", [
    ("INSERT INTO jerr JSON '{\"k\": 1, \"nope\": 2}'", "JSON values map contains unrecognized column: nope"),
    ("INSERT INTO jerr JSON 'not json'", "Could not decode JSON string as a map"),
    ("INSERT INTO jerr JSON '[1, 2]'", "Could not decode JSON string as a map"),
    ("INSERT INTO jerr JSON '{\"k\": \"x\"}'", "Error decoding JSON value for k"),
    ("INSERT INTO jerr JSON '{\"k\": 1.5}'", "Error decoding JSON value for k"),
    ("INSERT INTO jerr JSON '{\"k\": 1, \"t\": 5}'", "Error decoding JSON value for t: Expected a UTF-8 string"),
    ("INSERT INTO jerr JSON '{\"k\": 1, \"b\": \"cafe\"}'", "String representation of blob is missing 0x prefix"),
    ("INSERT INTO jerr JSON '{\"k\": 1, \"l\": {\"a\": 1}}'", "Error decoding JSON value for l: Expected a list"),
    ("INSERT INTO jerr JSON '{\"t\": \"x\"}'", "k"),
    ("INSERT INTO jerr (k, i) VALUES (1, fromJson('\"x\"'))", ""),
    ("INSERT INTO jerr (k, i) VALUES (1, fromJson('{'))", "Could not decode JSON string '{'"),
])
def test_json_errors(session, cql, fragment):
    session.execute("CREATE TABLE IF NOT EXISTS jerr (k int PRIMARY KEY, i int, t text, b blob, l list<int>)")
    invalid(session, cql, fragment)
