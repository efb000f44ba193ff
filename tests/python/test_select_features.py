"""SELECT features: aggregates, GROUP BY, PER PARTITION LIMIT and multi-column relations,
with paging (small fetch sizes) over each of them."""

from decimal import Decimal
import datetime
import itertools
import uuid

import pytest
from cassandra import InvalidRequest
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement

MAX_PAGES = 10_000


def pages_of(session, statement, params=None):
    """All pages of a query as lists of rows, fetched one by one (bounded)."""
    rs = session.execute(statement, params)
    pages = [list(rs.current_rows)]
    while rs.has_more_pages:
        assert len(pages) < MAX_PAGES, "too many pages: paging does not terminate"
        rs.fetch_next_page()
        pages.append(list(rs.current_rows))
    return pages


def paged(session, cql, fetch_size, params=None):
    pages = pages_of(session, SimpleStatement(cql, fetch_size=fetch_size), params)
    assert all(len(p) <= fetch_size for p in pages), [len(p) for p in pages]
    return [tuple(r) for p in pages for r in p]


def rows(session, cql, params=None):
    return [tuple(r) for r in session.execute(cql, params)]


def invalid(session, cql, fragment, params=None):
    with pytest.raises(InvalidRequest) as exc:
        session.execute(cql, params)
    assert fragment in str(exc.value), str(exc.value)


# ----------------------------------------------------------------------------- aggregates

NUMS = [  # (ck, i, bi, si, ti, vi, dc, f, d)
    (0, 1, 10, 100, 1, 1000, Decimal("1.5"), 1.5, 0.25),
    (1, 2, -20, 200, 2, -3000, Decimal("2.25"), 2.5, 0.5),
    (2, 4, 40, 300, 3, 5000, Decimal("-0.75"), -1.0, 1.0),
    (3, None, None, None, None, None, None, None, None),
]


@pytest.fixture(scope="module")
def nums(session):
    session.execute("CREATE TABLE nums (pk int, ck int, i int, bi bigint, si smallint, ti tinyint, vi varint, "
                    "dc decimal, f float, d double, t text, ts timestamp, u uuid, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO nums (pk, ck, i, bi, si, ti, vi, dc, f, d, t, ts, u) "
                          "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    texts = ["pear", "apple", "zebra", None]
    stamps = [datetime.datetime(2020, 5, 1), datetime.datetime(2019, 1, 1), datetime.datetime(2021, 3, 3), None]
    uuids = [uuid.UUID(int=5), uuid.UUID(int=3), uuid.UUID(int=9), None]
    for row, t, ts, u in zip(NUMS, texts, stamps, uuids):
        session.execute(ins, row + (t, ts, u))
    return "nums"


def test_count_min_max_sum_avg_of_every_numeric_type(session, nums):
    rs = session.execute("SELECT count(*), count(i), min(i), max(i), sum(i), avg(i), sum(bi), avg(bi), "
                         "sum(si), avg(si), sum(ti), avg(ti), sum(vi), avg(vi), sum(dc), min(dc), max(dc), "
                         "sum(f), avg(f), sum(d), avg(d) FROM nums WHERE pk = 1")
    (count, count_i, min_i, max_i, sum_i, avg_i, sum_bi, avg_bi, sum_si, avg_si, sum_ti, avg_ti,
     sum_vi, avg_vi, sum_dc, min_dc, max_dc, sum_f, avg_f, sum_d, avg_d) = rs.one()
    assert (count, count_i) == (4, 3), "count(*) counts rows, count(col) non-null values"
    assert (min_i, max_i, sum_i) == (1, 4, 7)
    assert avg_i == 2, "integer avg truncates (7 / 3)"
    assert (sum_bi, avg_bi) == (30, 10)
    assert (sum_si, avg_si, sum_ti, avg_ti) == (600, 200, 6, 2)
    assert (sum_vi, avg_vi) == (3000, 1000)
    assert sum_dc == Decimal("3.00") and (min_dc, max_dc) == (Decimal("-0.75"), Decimal("2.25"))
    assert (sum_f, avg_f) == (3.0, 1.0)
    assert (sum_d, avg_d) == (1.75, 1.75 / 3)


def test_aggregate_result_types_and_names(session, nums):
    rs = session.execute("SELECT count(*), count(i), sum(ti), avg(si), sum(vi), max(t), min(ts), max(u), "
                         "max(i) AS top FROM nums WHERE pk = 1")
    assert rs.column_names == ["count", "system.count(i)", "system.sum(ti)", "system.avg(si)", "system.sum(vi)",
                               "system.max(t)", "system.min(ts)", "system.max(u)", "top"]
    types = [t.typename for t in rs.column_types]
    assert types == ["bigint", "bigint", "tinyint", "smallint", "varint", "varchar", "timestamp", "uuid", "int"]
    row = rs.one()
    assert row[5] == "zebra"
    assert row[6] == datetime.datetime(2019, 1, 1)
    assert row[7] == uuid.UUID(int=9)


def test_integer_sums_wrap_and_averages_do_not_overflow(session):
    session.execute("CREATE TABLE wrap (pk int, ck int, i int, ti tinyint, bi bigint, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO wrap (pk, ck, i, ti, bi) VALUES (0, ?, ?, ?, ?)")
    session.execute(ins, (0, 2**31 - 1, 127, 2**63 - 1))
    session.execute(ins, (1, 2**31 - 1, 1, 2**63 - 1))
    row = session.execute("SELECT sum(i), avg(i), sum(ti), avg(ti), sum(bi), avg(bi) FROM wrap").one()
    assert row[0] == -2, "int sum wraps like Java's int"
    assert row[1] == 2**31 - 1, "avg sums in 64 bits (and beyond)"
    assert row[2] == -128
    assert row[3] == 64
    assert row[4] == -2
    assert row[5] == 2**63 - 1
    session.execute("INSERT INTO wrap (pk, ck, i) VALUES (1, 0, -7)")
    session.execute("INSERT INTO wrap (pk, ck, i) VALUES (1, 1, 3)")
    assert session.execute("SELECT avg(i) FROM wrap WHERE pk = 1").one()[0] == -2, "truncates toward zero"


def test_aggregates_of_empty_input(session, nums):
    rs = session.execute("SELECT count(*), count(i), sum(i), avg(i), sum(dc), avg(d), min(i), max(t), ck "
                         "FROM nums WHERE pk = 99")
    assert [tuple(r) for r in rs] == [(0, 0, 0, 0, Decimal(0), 0.0, None, None, None)]


def test_plain_columns_take_the_first_row(session, nums):
    row = session.execute("SELECT ck, t, max(i), writetime(t) FROM nums WHERE pk = 1").one()
    assert row[0] == 0 and row[1] == "pear" and row[2] == 4
    assert row[3] is not None


def test_aggregate_over_pages_returns_one_row(session):
    session.execute("CREATE TABLE agg_big (pk int, ck int, v int, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO agg_big (pk, ck, v) VALUES (?, ?, ?)")
    args = [(pk, ck, ck) for pk in range(3) for ck in range(900)]
    assert all(ok for ok, _ in execute_concurrent_with_args(session, ins, args, concurrency=64))
    pages = pages_of(session, SimpleStatement("SELECT count(*), sum(v), max(v) FROM agg_big", fetch_size=100))
    assert [tuple(r) for p in pages for r in p] == [(2700, 3 * sum(range(900)), 899)]
    assert len(pages) == 1


# ----------------------------------------------------------------------------- GROUP BY

@pytest.fixture(scope="module")
def grp(session):
    session.execute("CREATE TABLE grp (a int, b int, c int, d int, v int, PRIMARY KEY ((a), b, c, d))")
    ins = session.prepare("INSERT INTO grp (a, b, c, d, v) VALUES (?, ?, ?, ?, ?)")
    for a, b, c, d in itertools.product(range(4), range(3), range(3), range(2)):
        session.execute(ins, (a, b, c, d, a * 1000 + b * 100 + c * 10 + d))
    return "grp"


def expected_groups(keys):
    """(key..., count, max v) per group of the grp rows, by key function, in token order."""
    out = {}
    for a, b, c, d in itertools.product(range(4), range(3), range(3), range(2)):
        k = keys(a, b, c, d)
        v = a * 1000 + b * 100 + c * 10 + d
        n, m = out.get(k, (0, None))
        out[k] = (n + 1, v if m is None else max(m, v))
    return out


def test_group_by_partition_key(session, grp):
    got = rows(session, "SELECT a, count(*), max(v) FROM grp GROUP BY a")
    exp = expected_groups(lambda a, b, c, d: (a,))
    assert sorted(got) == sorted(k + v for k, v in exp.items())


def test_group_by_clustering_prefix(session, grp):
    got = rows(session, "SELECT a, b, count(*), max(v) FROM grp WHERE a = 2 GROUP BY a, b")
    assert got == [(2, b, 6, 2000 + b * 100 + 21) for b in range(3)]
    got = rows(session, "SELECT a, b, c, count(*), max(v) FROM grp GROUP BY a, b, c")
    exp = expected_groups(lambda a, b, c, d: (a, b, c))
    assert sorted(got) == sorted(k + v for k, v in exp.items())
    # Columns restricted by an equality may be left out of the GROUP BY.
    got = rows(session, "SELECT b, c, count(*) FROM grp WHERE a = 1 AND b = 2 GROUP BY c")
    assert got == [(2, c, 2) for c in range(3)]


def test_group_by_without_aggregate_returns_first_row_of_each_group(session, grp):
    got = rows(session, "SELECT a, b, c, d FROM grp WHERE a = 3 GROUP BY a, b")
    assert got == [(3, b, 0, 0) for b in range(3)]


def test_group_by_with_limit_and_in(session, grp):
    got = rows(session, "SELECT a, b, count(*) FROM grp WHERE a IN (0, 1) GROUP BY a, b LIMIT 4")
    assert len(got) == 4 and all(r[2] == 6 for r in got)
    assert got == rows(session, "SELECT a, b, count(*) FROM grp WHERE a IN (0, 1) GROUP BY a, b")[:4]


@pytest.mark.parametrize("fetch_size", [1, 2, 5, 7])
def test_group_by_paging_counts_groups(session, grp, fetch_size):
    full = rows(session, "SELECT a, b, c, count(*), sum(v) FROM grp GROUP BY a, b, c")
    assert len(full) == 36
    assert paged(session, "SELECT a, b, c, count(*), sum(v) FROM grp GROUP BY a, b, c", fetch_size) == full
    full = rows(session, "SELECT a, b, count(*) FROM grp WHERE a IN (1, 3) GROUP BY a, b LIMIT 5")
    assert paged(session, "SELECT a, b, count(*) FROM grp WHERE a IN (1, 3) GROUP BY a, b LIMIT 5",
                 fetch_size) == full
    assert len(full) == 5


def test_groups_larger_than_a_storage_read(session):
    session.execute("CREATE TABLE grp_big (p int, g int, n int, PRIMARY KEY (p, g, n))")
    ins = session.prepare("INSERT INTO grp_big (p, g, n) VALUES (?, ?, ?)")
    args = [(p, g, n) for p in range(2) for g in range(2) for n in range(1300)]
    assert all(ok for ok, _ in execute_concurrent_with_args(session, ins, args, concurrency=64))
    expected = [(p, g, 1300) for p in range(2) for g in range(2)]
    full = rows(session, "SELECT p, g, count(*) FROM grp_big GROUP BY p, g")
    assert sorted(full) == expected
    assert paged(session, "SELECT p, g, count(*) FROM grp_big GROUP BY p, g", 1) == full
    assert paged(session, "SELECT p, g, count(*) FROM grp_big WHERE p = 1 GROUP BY p, g", 1) == \
        [(1, 0, 1300), (1, 1, 1300)]


def test_group_by_with_per_partition_limit(session, grp):
    got = rows(session, "SELECT a, b, count(*) FROM grp GROUP BY a, b PER PARTITION LIMIT 2")
    assert sorted(got) == [(a, b, 6) for a in range(4) for b in range(2)]
    assert paged(session, "SELECT a, b, count(*) FROM grp GROUP BY a, b PER PARTITION LIMIT 2", 3) == got


@pytest.mark.parametrize("cql,fragment", [
    ("SELECT a, count(*) FROM grp GROUP BY v", "Group by is currently only supported on the columns of the PRIMARY KEY, got v"),
    ("SELECT a, count(*) FROM grp GROUP BY a, c", "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
    ("SELECT a, count(*) FROM grp GROUP BY b", "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
    ("SELECT a, count(*) FROM grp GROUP BY a, b, a", "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
    ("SELECT a, count(*) FROM grp GROUP BY nope", "Undefined column name nope"),
    ("SELECT DISTINCT a FROM grp GROUP BY a, b", "Grouping on clustering columns is not allowed for SELECT DISTINCT queries"),
])
def test_group_by_errors(session, grp, cql, fragment):
    invalid(session, cql, fragment)


def test_group_by_on_part_of_a_compound_partition_key(session):
    session.execute("CREATE TABLE grp_cpk (a int, b int, c int, PRIMARY KEY ((a, b), c))")
    invalid(session, "SELECT a, count(*) FROM grp_cpk GROUP BY a", "Group by is not supported on only a part of the partition key")
    session.execute("INSERT INTO grp_cpk (a, b, c) VALUES (1, 1, 1)")
    session.execute("INSERT INTO grp_cpk (a, b, c) VALUES (1, 1, 2)")
    assert rows(session, "SELECT a, b, count(*) FROM grp_cpk GROUP BY a, b") == [(1, 1, 2)]


# ----------------------------------------------------------------------------- PER PARTITION LIMIT

@pytest.fixture(scope="module")
def ppl(session):
    session.execute("CREATE TABLE ppl (pk int, ck int, v int, PRIMARY KEY (pk, ck))")
    ins = session.prepare("INSERT INTO ppl (pk, ck, v) VALUES (?, ?, ?)")
    for pk in range(6):
        for ck in range(pk + 1):  # partition pk has pk + 1 rows
            session.execute(ins, (pk, ck, pk * 10 + ck))
    return "ppl"


def by_partition(result):
    out = {}
    for pk, ck in result:
        out.setdefault(pk, []).append(ck)
    return out


def test_per_partition_limit(session, ppl):
    got = by_partition(rows(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 2"))
    assert got == {pk: list(range(min(2, pk + 1))) for pk in range(6)}
    got = rows(session, "SELECT pk, ck FROM ppl WHERE pk IN (4, 5) PER PARTITION LIMIT 3")
    assert sorted(got) == [(pk, ck) for pk in (4, 5) for ck in range(3)]
    got = rows(session, "SELECT pk, ck FROM ppl WHERE pk = 5 ORDER BY ck DESC PER PARTITION LIMIT 2")
    assert got == [(5, 5), (5, 4)]


def test_per_partition_limit_with_limit(session, ppl):
    full = rows(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 2")
    assert rows(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 2 LIMIT 5") == full[:5]


@pytest.mark.parametrize("fetch_size", [1, 2, 3, 4])
def test_per_partition_limit_paging(session, ppl, fetch_size):
    full = rows(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 3")
    assert len(full) == 1 + 2 + 3 * 4
    assert paged(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 3", fetch_size) == full
    assert paged(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 3 LIMIT 7", fetch_size) == full[:7]
    full = rows(session, "SELECT pk, ck FROM ppl WHERE pk IN (3, 4, 5) PER PARTITION LIMIT 2")
    assert paged(session, "SELECT pk, ck FROM ppl WHERE pk IN (3, 4, 5) PER PARTITION LIMIT 2", fetch_size) == full


def test_per_partition_limit_bind_marker_and_errors(session, ppl):
    ps = session.prepare("SELECT pk, ck FROM ppl WHERE pk = ? PER PARTITION LIMIT ?")
    assert [tuple(r) for r in session.execute(ps, (5, 2))] == [(5, 0), (5, 1)]
    invalid(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT 0", "PER PARTITION LIMIT must be strictly positive")
    invalid(session, "SELECT pk, ck FROM ppl PER PARTITION LIMIT -1", "PER PARTITION LIMIT must be strictly positive")
    invalid(session, "SELECT DISTINCT pk FROM ppl PER PARTITION LIMIT 1",
            "PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries")


def test_per_partition_limit_with_aggregate(session, ppl):
    assert rows(session, "SELECT count(*) FROM ppl PER PARTITION LIMIT 2") == [(1 + 2 * 5,)]


# ----------------------------------------------------------------------------- multi-column relations

ORDERS = {
    "asc": "a ASC, b ASC, c ASC",
    "mixed": "a ASC, b DESC, c ASC",
    "mixed2": "a DESC, b ASC, c DESC",
}


@pytest.fixture(scope="module")
def mc(session):
    for name, order in ORDERS.items():
        session.execute(f"CREATE TABLE mc_{name} (p int, a int, b int, c int, v int, PRIMARY KEY (p, a, b, c)) "
                        f"WITH CLUSTERING ORDER BY ({order})")
        ins = session.prepare(f"INSERT INTO mc_{name} (p, a, b, c, v) VALUES (0, ?, ?, ?, 0)")
        for a, b, c in itertools.product(range(3), range(3), range(3)):
            session.execute(ins, (a, b, c))
    return ORDERS


def clustering_sorted(name, keys):
    signs = [1 if word.strip(",") == "ASC" else -1 for word in ORDERS[name].split()[1::2]]
    return sorted(keys, key=lambda k: tuple(s * x for s, x in zip(signs, k)))


ALL_KEYS = list(itertools.product(range(3), range(3), range(3)))

SLICES = [
    ("(a, b) > (1, 1)", lambda k: k[:2] > (1, 1)),
    ("(a, b) >= (1, 1)", lambda k: k[:2] >= (1, 1)),
    ("(a, b) < (1, 1)", lambda k: k[:2] < (1, 1)),
    ("(a, b) <= (1, 1)", lambda k: k[:2] <= (1, 1)),
    ("(a, b, c) > (0, 2, 1) AND (a, b, c) < (2, 0, 1)", lambda k: (0, 2, 1) < k < (2, 0, 1)),
    ("(a, b, c) >= (1, 0, 2) AND (a) <= (1)", lambda k: k >= (1, 0, 2) and k[0] <= 1),
    ("(a, b) > (0, 1) AND (a, b, c) <= (2, 1, 0)", lambda k: k[:2] > (0, 1) and k <= (2, 1, 0)),
    ("(a) > (0)", lambda k: k[0] > 0),
    ("(a, b) = (1, 2)", lambda k: k[:2] == (1, 2)),
    ("(a, b, c) = (2, 0, 1)", lambda k: k == (2, 0, 1)),
    ("(a, b) IN ((2, 1), (0, 0), (5, 5))", lambda k: k[:2] in ((2, 1), (0, 0))),
    ("a = 1 AND (b, c) > (1, 1)", lambda k: k[0] == 1 and k[1:] > (1, 1)),
    ("a = 1 AND (b, c) IN ((0, 2), (2, 0))", lambda k: k[0] == 1 and k[1:] in ((0, 2), (2, 0))),
    ("(a, b) IN ((1, 1), (2, 2)) AND c > 0", lambda k: k[:2] in ((1, 1), (2, 2)) and k[2] > 0),
    ("(a, b) > (2, 2)", lambda k: k[:2] > (2, 2)),
    ("(a, b) > (1, 1) AND (a, b) < (0, 0)", lambda k: False),
]


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("where,pred", SLICES, ids=[s[0] for s in SLICES])
def test_multi_column_relations(session, mc, order, where, pred):
    got = rows(session, f"SELECT a, b, c FROM mc_{order} WHERE p = 0 AND {where}")
    assert got == clustering_sorted(order, [k for k in ALL_KEYS if pred(k)])
    reverse = rows(session, f"SELECT a, b, c FROM mc_{order} WHERE p = 0 AND {where} ORDER BY a DESC") \
        if order != "mixed2" else rows(session, f"SELECT a, b, c FROM mc_{order} WHERE p = 0 AND {where} ORDER BY a ASC")
    assert reverse == list(reversed(got))


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("fetch_size", [1, 2, 5])
def test_multi_column_slices_paging(session, mc, order, fetch_size):
    cql = f"SELECT a, b, c FROM mc_{order} WHERE p = 0 AND (a, b, c) > (0, 1, 1) AND (a, b) <= (2, 0)"
    full = rows(session, cql)
    assert full == clustering_sorted(order, [k for k in ALL_KEYS if (0, 1, 1) < k and k[:2] <= (2, 0)])
    assert paged(session, cql, fetch_size) == full
    direction = "ASC" if order == "mixed2" else "DESC"  # the reverse of the table's order on a
    assert paged(session, f"{cql} ORDER BY a {direction}", fetch_size) == list(reversed(full))


def test_multi_column_bind_markers(session, mc):
    exp = clustering_sorted("mixed", [k for k in ALL_KEYS if k[:2] > (1, 0)])
    ps = session.prepare("SELECT a, b, c FROM mc_mixed WHERE p = 0 AND (a, b) > ?")
    assert [tuple(r) for r in session.execute(ps, [(1, 0)])] == exp
    ps = session.prepare("SELECT a, b, c FROM mc_mixed WHERE p = 0 AND (a, b) > (?, ?)")
    assert [tuple(r) for r in session.execute(ps, (1, 0))] == exp
    ps = session.prepare("SELECT a, b, c FROM mc_mixed WHERE p = 0 AND (a, b) >= ? AND (a, b, c) < (?, ?, ?)")
    assert [tuple(r) for r in session.execute(ps, [(0, 2), 1, 1, 1])] == \
        clustering_sorted("mixed", [k for k in ALL_KEYS if (0, 2) <= k[:2] and k < (1, 1, 1)])
    ps = session.prepare("SELECT a, b, c FROM mc_mixed WHERE p = 0 AND (a, b) IN ?")
    assert [tuple(r) for r in session.execute(ps, [[(2, 2), (0, 1)]])] == \
        clustering_sorted("mixed", [k for k in ALL_KEYS if k[:2] in ((2, 2), (0, 1))])
    ps = session.prepare("SELECT a, b, c FROM mc_mixed WHERE p = 0 AND (a, b, c) IN ((?, ?, ?), ?)")
    assert [tuple(r) for r in session.execute(ps, (1, 1, 1, (2, 0, 0)))] == \
        clustering_sorted("mixed", [(1, 1, 1), (2, 0, 0)])
    ps = session.prepare("SELECT a, b, c FROM mc_mixed WHERE p = 0 AND (a, b, c) = ?")
    assert [tuple(r) for r in session.execute(ps, [(2, 1, 0)])] == [(2, 1, 0)]


def test_multi_column_in_update_and_delete(session):
    session.execute("CREATE TABLE mc_dml (p int, a int, b int, v int, PRIMARY KEY (p, a, b))")
    for a, b in itertools.product(range(2), range(2)):
        session.execute("INSERT INTO mc_dml (p, a, b, v) VALUES (0, %s, %s, 0)", (a, b))
    session.execute("UPDATE mc_dml SET v = 7 WHERE p = 0 AND (a, b) = (1, 0)")
    session.execute("DELETE FROM mc_dml WHERE p = 0 AND (a, b) IN ((0, 0), (0, 1))")
    assert rows(session, "SELECT a, b, v FROM mc_dml WHERE p = 0") == [(1, 0, 7), (1, 1, 0)]
    # A multi-column slice deletes a range, split by the mixed clustering order.
    session.execute("CREATE TABLE mc_range (p int, a int, b int, PRIMARY KEY (p, a, b)) "
                    "WITH CLUSTERING ORDER BY (a ASC, b DESC)")
    for a, b in itertools.product(range(3), range(3)):
        session.execute("INSERT INTO mc_range (p, a, b) VALUES (0, %s, %s)", (a, b))
    session.execute("DELETE FROM mc_range WHERE p = 0 AND (a, b) > (0, 1) AND (a, b) <= (2, 0)")
    left = [k for k in itertools.product(range(3), range(3)) if not ((0, 1) < k <= (2, 0))]
    assert rows(session, "SELECT a, b FROM mc_range WHERE p = 0") == sorted(left, key=lambda k: (k[0], -k[1]))


@pytest.mark.parametrize("where,fragment", [
    ("(p, a) > (0, 0)", "Multi-column relations can only be applied to clustering columns but was applied to: p"),
    ("(a, v) > (0, 0)", "Multi-column relations can only be applied to clustering columns but was applied to: v"),
    ("(b, a) > (0, 0)", "Clustering columns must appear in the PRIMARY KEY order in multi-column relations"),
    ("(a, c) > (0, 0)", "Clustering columns must appear in the PRIMARY KEY order in multi-column relations"),
    ("(b, c) > (0, 0)", 'PRIMARY KEY column "b" cannot be restricted as preceding column "a" is not restricted'),
    ("(a, b) > (0, 0) AND a < 2", "Mixing single column relations and multi column relations on clustering columns is not allowed"),
    ("(a, b) > (0, 0) AND (a, b) > (1, 1)", "More than one restriction was found for the start bound on a"),
    ("(a, b) > (0, 0, 0)", "Expected 2 elements in value tuple, but got 3"),
    ("(a, b) > (0, 0) AND c = 1", 'Clustering column "c" cannot be restricted (preceding column "b" is restricted by a non-EQ relation)'),
    ("(a, b) = (0, 0) AND (a) > (1)", "cannot be restricted by more than one relation if it includes an Equal"),
])
def test_multi_column_errors(session, mc, where, fragment):
    invalid(session, f"SELECT * FROM mc_asc WHERE p = 0 AND {where}", fragment)


def test_multi_column_relation_with_allow_filtering_scan(session, mc):
    got = rows(session, "SELECT p, a, b, c FROM mc_mixed WHERE (a, b) > (1, 1) ALLOW FILTERING")
    assert got == [(0,) + k for k in clustering_sorted("mixed", [k for k in ALL_KEYS if k[:2] > (1, 1)])]
    assert paged(session, "SELECT p, a, b, c FROM mc_mixed WHERE (a, b) > (1, 1) ALLOW FILTERING", 4) == got
    invalid(session, "SELECT * FROM mc_mixed WHERE (a, b) > (1, 1)", "ALLOW FILTERING")


def test_single_column_clustering_restrictions_in_scans(session, ppl):
    got = rows(session, "SELECT pk, ck FROM ppl WHERE ck > 3 ALLOW FILTERING")
    assert sorted(got) == [(pk, ck) for pk in range(6) for ck in range(4, pk + 1)]
    assert paged(session, "SELECT pk, ck FROM ppl WHERE ck > 3 ALLOW FILTERING", 1) == got
