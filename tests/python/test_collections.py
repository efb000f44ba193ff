"""Non-frozen collections (per-element cells) through the Python driver."""

import pytest
from cassandra import InvalidRequest
from cassandra.util import OrderedMapSerializedKey, SortedSet


@pytest.fixture(scope="module")
def coll(session):
    session.execute("CREATE TABLE coll (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, "
                    "fl frozen<list<int>>)")
    return "coll"


def row(session, k):
    return session.execute("SELECT l, s, m, fl FROM coll WHERE k = %s", (k,)).one()


def test_insert_and_read_each_collection(session, coll):
    session.execute("INSERT INTO coll (k, l, s, m, fl) VALUES (1, [3, 1, 3], {'b', 'a', 'b'}, {'y': 2, 'x': 1}, [9])")
    r = row(session, 1)
    assert r.l == [3, 1, 3]  # lists keep order and duplicates
    assert r.s == SortedSet(["a", "b"])
    assert dict(r.m) == {"x": 1, "y": 2}
    assert list(r.m.keys()) == ["x", "y"]  # maps come back sorted by key
    assert r.fl == [9]


def test_element_operations(session, coll):
    session.execute("INSERT INTO coll (k, l, s, m) VALUES (2, [1, 2, 3], {'a'}, {'x': 1})")
    session.execute("UPDATE coll SET l = l + [4], s = s + {'c', 'b'}, m = m + {'z': 26} WHERE k = 2")
    session.execute("UPDATE coll SET l = [0] + l WHERE k = 2")
    session.execute("UPDATE coll SET l[2] = 20, m['x'] = 10 WHERE k = 2")
    session.execute("UPDATE coll SET l = l - [3], s = s - {'a'}, m = m - {'z'} WHERE k = 2")
    r = row(session, 2)
    assert r.l == [0, 1, 20, 4]
    assert r.s == SortedSet(["b", "c"])
    assert dict(r.m) == {"x": 10}
    session.execute("DELETE l[0], m['x'] FROM coll WHERE k = 2")
    r = row(session, 2)
    assert r.l == [1, 20, 4]
    assert r.m is None  # an empty collection reads as null


def test_prepend_order_and_repeated_prepends(session, coll):
    session.execute("INSERT INTO coll (k, l) VALUES (3, [5])")
    session.execute("UPDATE coll SET l = [3, 4] + l WHERE k = 3")
    session.execute("UPDATE coll SET l = [1, 2] + l WHERE k = 3")
    assert row(session, 3).l == [1, 2, 3, 4, 5]


def test_overwrite_replaces_all_elements(session, coll):
    session.execute("INSERT INTO coll (k, l, s) VALUES (4, [1, 2], {'a', 'b'})")
    session.execute("UPDATE coll SET l = [7], s = {'z'} WHERE k = 4")
    r = row(session, 4)
    assert r.l == [7] and r.s == SortedSet(["z"])
    session.execute("UPDATE coll SET s = null WHERE k = 4")
    assert row(session, 4).s is None
    session.execute("DELETE l FROM coll WHERE k = 4")
    assert row(session, 4).l is None


def test_bound_collections_and_map_element(session, coll):
    ins = session.prepare("INSERT INTO coll (k, l, s, m) VALUES (?, ?, ?, ?)")
    session.execute(ins, (5, [1, 2], {"q"}, {"a": 1}))
    upd = session.prepare("UPDATE coll SET m[?] = ? WHERE k = ?")
    session.execute(upd, ("b", 2, 5))
    add = session.prepare("UPDATE coll SET l = l + ? WHERE k = ?")
    session.execute(add, ([3], 5))
    r = row(session, 5)
    assert r.l == [1, 2, 3]
    assert dict(r.m) == {"a": 1, "b": 2}


def test_collection_errors(session, coll):
    session.execute("INSERT INTO coll (k, l) VALUES (6, [1])")
    with pytest.raises(InvalidRequest, match="out of bound"):
        session.execute("UPDATE coll SET l[5] = 1 WHERE k = 6")
    with pytest.raises(InvalidRequest):
        session.execute("UPDATE coll SET s[0] = 'x' WHERE k = 6")
    with pytest.raises(InvalidRequest):
        session.execute("UPDATE coll SET fl = fl + [1] WHERE k = 6")
    with pytest.raises(InvalidRequest):
        session.execute("INSERT INTO coll (k, l) VALUES (6, ['text'])")
    with pytest.raises(InvalidRequest):
        session.execute("CREATE TABLE bad_coll (k list<int> PRIMARY KEY, v int)")


def test_collection_ttl_per_element(session, coll):
    session.execute("INSERT INTO coll (k, s) VALUES (7, {'a'})")
    session.execute("UPDATE coll USING TTL 1000 SET s = s + {'b'} WHERE k = 7")
    assert row(session, 7).s == SortedSet(["a", "b"])
    # Newer timestamps win per element: an older removal leaves a newer element alone.
    session.execute("UPDATE coll USING TIMESTAMP 1 SET s = s - {'a'} WHERE k = 7")
    assert row(session, 7).s == SortedSet(["a", "b"])
