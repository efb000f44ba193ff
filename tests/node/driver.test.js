'use strict';
// Black-box tests of Krill with the DataStax Node.js driver (npm cassandra-driver 4.10.0).
// Run: KRILL_BIN=build/krill node --test tests/node/

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const cassandra = require('cassandra-driver');
const { KrillNode } = require('./krill-harness');

const { types } = cassandra;
const { dataTypes, Long, Integer, BigDecimal, Uuid, TimeUuid, InetAddress, LocalDate, LocalTime } = types;
const KS = 'node_ks';
const T = { timeout: 60000 };

let node;
let client;

function newClient(extra = {}) {
  return new cassandra.Client({
    contactPoints: ['127.0.0.1'],
    localDataCenter: 'datacenter1',
    protocolOptions: { port: node.nativePort },
    socketOptions: { connectTimeout: 10000, readTimeout: 20000 },
    ...extra,
  });
}

async function expectResponseError(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof cassandra.errors.ResponseError, `expected ResponseError, got ${err}`);
    assert.equal(err.code, code, `error code 0x${err.code.toString(16)}: ${err.message}`);
    return true;
  });
}

before(async () => {
  node = new KrillNode('node-driver');
  await node.start();
  client = newClient();
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Node.js driver could not connect: ${err}\n${node.logTail()}`);
  }
  await client.execute(`CREATE KEYSPACE ${KS} WITH replication = ` +
    "{'class': 'SimpleStrategy', 'replication_factor': 1}");
});

after(async () => {
  if (client) await client.shutdown();
  if (node && node.proc) {
    const crashed = !node.running();
    const code = await node.stop();
    const tail = node.logTail();
    node.cleanup();
    assert.ok(!crashed, `krill died during the tests (${code})\n${tail}`);
    assert.equal(code, 0, `krill exited with ${code} after SIGTERM\n${tail}`);
  }
});

describe('connection and metadata', () => {
  it('connects with protocol v4 and sees the single local host', T, async () => {
    assert.equal(client.getState().getConnectedHosts().length, 1);
    const hosts = client.hosts.values();
    assert.equal(hosts.length, 1);
    const h = hosts[0];
    assert.equal(h.address, `127.0.0.1:${node.nativePort}`);
    assert.equal(h.datacenter, 'datacenter1');
    assert.equal(h.rack, 'rack1');
    assert.match(h.cassandraVersion, /^4\.0/);
    assert.equal(client.controlConnection.protocolVersion, 4);
    const rs = await client.execute("SELECT cluster_name, release_version FROM system.local WHERE key = 'local'");
    assert.equal(rs.rows.length, 1);
    assert.equal(rs.rows[0].cluster_name, 'Test Cluster');
    assert.match(rs.rows[0].release_version, /^4\.0/);
  });

  it('exposes keyspace replication and table metadata', T, async () => {
    const ks = client.metadata.keyspaces[KS];
    assert.ok(ks, 'keyspace missing from client.metadata.keyspaces');
    assert.equal(ks.strategy, 'org.apache.cassandra.locator.SimpleStrategy');
    assert.equal(String(ks.strategyOptions.replication_factor), '1');
    assert.ok(client.metadata.keyspaces.system && client.metadata.keyspaces.system_schema);

    await client.execute(`CREATE TABLE ${KS}.meta (a text, b int, c timestamp, d bigint, v blob, w double,
      PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)`);
    const table = await client.metadata.getTable(KS, 'meta');
    assert.ok(table, 'getTable returned nothing');
    assert.deepEqual(table.partitionKeys.map((c) => c.name), ['a', 'b']);
    assert.deepEqual(table.clusteringKeys.map((c) => c.name), ['c', 'd']);
    assert.deepEqual(table.clusteringOrder, ['DESC', 'ASC']);
    assert.equal(table.isCompact, false);
    const typeOf = Object.fromEntries(table.columns.map((c) => [c.name, c.type.code]));
    assert.deepEqual(typeOf, {
      a: dataTypes.text, b: dataTypes.int, c: dataTypes.timestamp, d: dataTypes.bigint,
      v: dataTypes.blob, w: dataTypes.double,
    });
  });

  it('computes the same Murmur3 tokens as the server and routes to the replica', T, async () => {
    await client.execute(`CREATE TABLE ${KS}.tok (k int PRIMARY KEY, v int)`);
    await client.execute(`INSERT INTO ${KS}.tok (k, v) VALUES (?, ?)`, [1, 10], { prepare: true });
    const rs = await client.execute(`SELECT token(k), v FROM ${KS}.tok WHERE k = ?`, [1], { prepare: true });
    assert.equal(rs.rows[0].values()[0].toString(), '-4069959284402364209');
    assert.equal(rs.columns[0].type.code, dataTypes.bigint);
    assert.equal(rs.info.queriedHost, `127.0.0.1:${node.nativePort}`);
    assert.equal(client.metadata.newToken(Buffer.from([0, 0, 0, 1])).toString(), '-4069959284402364209');

    await client.execute(`CREATE TABLE ${KS}.tok_text (k text PRIMARY KEY)`);
    await client.execute(`CREATE TABLE ${KS}.tok_comp (a int, b text, PRIMARY KEY ((a, b)))`);
    await client.execute(`INSERT INTO ${KS}.tok_text (k) VALUES (?)`, ['hello'], { prepare: true });
    await client.execute(`INSERT INTO ${KS}.tok_comp (a, b) VALUES (?, ?)`, [1, 'a'], { prepare: true });
    const t1 = await client.execute(`SELECT token(k) FROM ${KS}.tok_text WHERE k = ?`, ['hello'], { prepare: true });
    assert.equal(t1.rows[0].values()[0].toString(), '-3758069500696749310');
    const t2 = await client.execute(`SELECT token(a, b) FROM ${KS}.tok_comp WHERE a = ? AND b = ?`, [1, 'a'],
      { prepare: true });
    assert.equal(t2.rows[0].values()[0].toString(), '6516349416904725244');
    assert.equal(client.metadata.newToken(Buffer.from('0004000000010000016100', 'hex')).toString(),
      '6516349416904725244');

    const replicas = client.getReplicas(KS, Buffer.from([0, 0, 0, 1]));
    assert.ok(Array.isArray(replicas) && replicas.length === 1, `replicas: ${replicas}`);
    assert.equal(replicas[0].address, `127.0.0.1:${node.nativePort}`);
  });
});

describe('CRUD with prepared statements', () => {
  before(async () => {
    await client.execute(`CREATE TABLE ${KS}.crud (pk int, ck int, v text, n bigint, PRIMARY KEY (pk, ck))`);
  });

  it('inserts, selects, updates and deletes', T, async () => {
    const ins = `INSERT INTO ${KS}.crud (pk, ck, v, n) VALUES (?, ?, ?, ?)`;
    for (let ck = 0; ck < 5; ck++) {
      await client.execute(ins, [1, ck, `v${ck}`, Long.fromNumber(ck * 1000)], { prepare: true });
    }
    let rs = await client.execute(`SELECT ck, v, n FROM ${KS}.crud WHERE pk = ?`, [1], { prepare: true });
    assert.deepEqual(rs.rows.map((r) => r.ck), [0, 1, 2, 3, 4]);
    assert.equal(rs.rows[3].v, 'v3');
    assert.ok(rs.rows[3].n instanceof Long);
    assert.equal(rs.rows[3].n.toString(), '3000');
    assert.deepEqual(rs.columns.map((c) => c.name), ['ck', 'v', 'n']);

    await client.execute(`UPDATE ${KS}.crud SET v = ? WHERE pk = ? AND ck = ?`, ['changed', 1, 2], { prepare: true });
    rs = await client.execute(`SELECT v FROM ${KS}.crud WHERE pk = ? AND ck = ?`, [1, 2], { prepare: true });
    assert.equal(rs.first().v, 'changed');

    await client.execute(`DELETE v FROM ${KS}.crud WHERE pk = ? AND ck = ?`, [1, 3], { prepare: true });
    rs = await client.execute(`SELECT v, n FROM ${KS}.crud WHERE pk = ? AND ck = ?`, [1, 3], { prepare: true });
    assert.equal(rs.first().v, null);
    assert.equal(rs.first().n.toString(), '3000');

    await client.execute(`DELETE FROM ${KS}.crud WHERE pk = ? AND ck = ?`, [1, 4], { prepare: true });
    rs = await client.execute(`SELECT ck FROM ${KS}.crud WHERE pk = ? AND ck >= ?`, [1, 2], { prepare: true });
    assert.deepEqual(rs.rows.map((r) => r.ck), [2, 3]);

    await client.execute(`DELETE FROM ${KS}.crud WHERE pk = ?`, [1], { prepare: true });
    rs = await client.execute(`SELECT * FROM ${KS}.crud WHERE pk = ?`, [1], { prepare: true });
    assert.equal(rs.rowLength, 0);
  });

  it('binds named parameters, prepared and unprepared', T, async () => {
    await client.execute(`INSERT INTO ${KS}.crud (pk, ck, v) VALUES (:pk, :ck, :v)`,
      { v: 'named', ck: 7, pk: 2 }, { prepare: true });
    // Unprepared with named values (QUERY flag 0x40); strings need no type hints.
    await client.execute(`CREATE TABLE ${KS}.named (name text PRIMARY KEY, v text)`);
    await client.execute(`INSERT INTO ${KS}.named (name, v) VALUES (:name, :v)`, { name: 'x', v: 'y' });
    const rs = await client.execute(`SELECT v FROM ${KS}.named WHERE name = :name`, { name: 'x' });
    assert.equal(rs.first().v, 'y');
    const rs2 = await client.execute(`SELECT v FROM ${KS}.crud WHERE pk = :pk AND ck = :ck`,
      { pk: 2, ck: 7 }, { prepare: true });
    assert.equal(rs2.first().v, 'named');
  });

  it('runs logged batches', T, async () => {
    await client.batch([
      { query: `INSERT INTO ${KS}.crud (pk, ck, v) VALUES (?, ?, ?)`, params: [3, 1, 'a'] },
      { query: `INSERT INTO ${KS}.crud (pk, ck, v) VALUES (?, ?, ?)`, params: [3, 2, 'b'] },
      { query: `UPDATE ${KS}.crud SET v = ? WHERE pk = ? AND ck = ?`, params: ['B', 3, 2] },
    ], { prepare: true, logged: true });
    const rs = await client.execute(`SELECT ck, v FROM ${KS}.crud WHERE pk = ?`, [3], { prepare: true });
    // One timestamp for the whole batch: the tied writes of ck 2 resolve to the greater
    // value ('b' > 'B'), as in Cassandra, not to the later statement.
    assert.deepEqual(rs.rows.map((r) => [r.ck, r.v]), [[1, 'a'], [2, 'b']]);
  });

  it('reports errors with the right codes', T, async () => {
    await expectResponseError(client.execute('SELEC * FROM x'), types.responseErrorCodes.syntaxError);
    await expectResponseError(client.execute(`SELECT * FROM ${KS}.no_such_table`), types.responseErrorCodes.invalid);
    await expectResponseError(client.execute('SELECT * FROM no_such_ks.t'), types.responseErrorCodes.invalid);
    await expectResponseError(client.execute(`INSERT INTO ${KS}.crud (pk, ck, v) VALUES (1, 1, 42)`),
      types.responseErrorCodes.invalid);
    await expectResponseError(client.execute(`CREATE TABLE ${KS}.crud (k int PRIMARY KEY)`),
      types.responseErrorCodes.alreadyExists);
    await expectResponseError(client.execute(`INSERT INTO ${KS}.crud (ck, v) VALUES (1, 'x')`),
      types.responseErrorCodes.invalid);
    const rs = await client.execute("SELECT key FROM system.local");
    assert.equal(rs.rowLength, 1);
  });
});

describe('types round trip', () => {
  const cases = [
    ['int', 2147483647, (v) => v],
    ['int', -2147483648, (v) => v],
    ['bigint', Long.fromString('-9223372036854775808'), (v) => v.toString()],
    ['bigint', Long.fromString('9223372036854775807'), (v) => v.toString()],
    ['smallint', -32768, (v) => v],
    ['tinyint', 127, (v) => v],
    ['boolean', true, (v) => v],
    ['float', 3.5, (v) => v],
    ['double', -1.7976931348623157e308, (v) => v],
    ['text', 'héllo ✓ 日本語 🎉', (v) => v],
    ['text', '', (v) => v],
    ['ascii', 'plain ascii', (v) => v],
    ['varchar', 'vc', (v) => v],
    ['blob', Buffer.from('cafebabe00', 'hex'), (v) => v.toString('hex')],
    ['blob', Buffer.alloc(0), (v) => v.toString('hex')],
    ['uuid', Uuid.fromString('123e4567-e89b-42d3-a456-426614174000'), (v) => v.toString()],
    ['timeuuid', TimeUuid.fromString('d2177dd0-eaa2-11de-a572-001b779c76e3'), (v) => v.toString()],
    ['timestamp', new Date(Date.UTC(2011, 1, 3, 4, 5, 6, 789)), (v) => v.getTime()],
    ['date', LocalDate.fromString('2024-01-01'), (v) => v.toString()],
    ['time', LocalTime.fromString('23:59:59.999999999'), (v) => v.toString()],
    ['inet', InetAddress.fromString('127.0.0.1'), (v) => v.toString()],
    ['inet', InetAddress.fromString('2001:db8::ff00:42:8329'), (v) => v.toString()],
    ['varint', Integer.fromString('1606938044258990275541962092341162602522202993782792835314721'), (v) => v.toString()],
    ['varint', Integer.fromString('-129'), (v) => v.toString()],
    ['decimal', BigDecimal.fromString('123456789012345678901234567890.123456789'), (v) => v.toString()],
    ['decimal', BigDecimal.fromString('-0.5'), (v) => v.toString()],
    ['int', null, (v) => v],
    ['text', null, (v) => v],
  ];
  const cols = [...new Set(cases.map((c) => c[0]))];

  before(async () => {
    await client.execute(`CREATE TABLE ${KS}.types (pk int PRIMARY KEY, ${cols.map((t) => `c_${t} ${t}`).join(', ')})`);
  });

  cases.forEach(([type, value, norm], i) => {
    it(`${type} ${value === null ? 'null' : norm(value)}`.slice(0, 80), T, async () => {
      await client.execute(`INSERT INTO ${KS}.types (pk, c_${type}) VALUES (?, ?)`, [i, value], { prepare: true });
      const rs = await client.execute(`SELECT c_${type} FROM ${KS}.types WHERE pk = ?`, [i], { prepare: true });
      assert.equal(rs.rowLength, 1);
      const got = rs.first()[`c_${type}`];
      if (value === null) {
        assert.equal(got, null);
      } else {
        assert.notEqual(got, null);
        assert.deepEqual(norm(got), norm(value));
      }
    });
  });
});

describe('paging', () => {
  const N = 2500;
  before(async () => {
    await client.execute(`CREATE TABLE ${KS}.paged (pk int, ck int, v text, PRIMARY KEY (pk, ck))`);
    const q = `INSERT INTO ${KS}.paged (pk, ck, v) VALUES (?, ?, ?)`;
    for (let start = 0; start < N; start += 100) {
      const batch = [];
      for (let ck = start; ck < Math.min(N, start + 100); ck++) {
        batch.push(client.execute(q, [ck % 3 === 0 ? 1 : 2, ck, `v${ck}`], { prepare: true }));
      }
      await Promise.all(batch);
    }
  });

  it('pages one partition with fetchSize and pageState', T, async () => {
    const q = `SELECT ck FROM ${KS}.paged WHERE pk = ?`;
    const seen = [];
    let pageState;
    let pages = 0;
    for (; pages < 100; pages++) {
      const rs = await client.execute(q, [2], { prepare: true, fetchSize: 300, pageState });
      assert.ok(rs.rowLength <= 300, `page of ${rs.rowLength} rows`);
      seen.push(...rs.rows.map((r) => r.ck));
      pageState = rs.pageState;
      if (!pageState) break;
    }
    const expected = [];
    for (let ck = 0; ck < N; ck++) if (ck % 3 !== 0) expected.push(ck);
    assert.deepEqual(seen, expected);
    assert.ok(pages >= Math.floor(expected.length / 300) - 1, `only ${pages + 1} pages`);
  });

  it('pages a full-table scan and eachRow auto-paging', T, async () => {
    const seen = [];
    let pageState;
    for (let pages = 0; pages < 100; pages++) {
      const rs = await client.execute(`SELECT pk, ck FROM ${KS}.paged`, [], { prepare: true, fetchSize: 700, pageState });
      assert.ok(rs.rowLength <= 700);
      seen.push(...rs.rows.map((r) => `${r.pk}:${r.ck}`));
      pageState = rs.pageState;
      if (!pageState) break;
    }
    assert.equal(seen.length, N);
    assert.equal(new Set(seen).size, N, 'a row was returned twice');

    let count = 0;
    await new Promise((resolve, reject) => {
      client.eachRow(`SELECT ck FROM ${KS}.paged WHERE pk = ?`, [1], { prepare: true, fetchSize: 200, autoPage: true },
        () => { count++; }, (err) => (err ? reject(err) : resolve()));
    });
    assert.equal(count, Math.ceil(N / 3));
  });
});
