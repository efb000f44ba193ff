'use strict';
// The richer CQL (collections, UDTs, counters, lightweight transactions, JSON) seen through
// the DataStax Node.js driver. Run: KRILL_BIN=build/krill node --test tests/node/

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const cassandra = require('cassandra-driver');
const { KrillNode } = require('./krill-harness');

const KS = 'node_lang';
const T = { timeout: 60000 };
let node;
let client;

before(async () => {
  node = new KrillNode('node-language');
  await node.start();
  client = new cassandra.Client({
    contactPoints: ['127.0.0.1'],
    localDataCenter: 'datacenter1',
    protocolOptions: { port: node.nativePort },
    socketOptions: { connectTimeout: 10000, readTimeout: 20000 },
  });
  await client.connect();
  await client.execute(`CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
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

describe('language features', () => {
  it('updates collection elements', T, async () => {
    await client.execute(`CREATE TABLE ${KS}.c (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>)`);
    await client.execute(`INSERT INTO ${KS}.c (k, l, s, m) VALUES (?, ?, ?, ?)`, [1, [1, 2], ['a'], { x: 1 }],
      { prepare: true });
    await client.execute(`UPDATE ${KS}.c SET l = l + ?, s = s + ?, m[?] = ? WHERE k = ?`, [[3], ['b'], 'y', 2, 1],
      { prepare: true });
    const row = (await client.execute(`SELECT l, s, m FROM ${KS}.c WHERE k = 1`)).first();
    assert.deepEqual(row.l, [1, 2, 3]);
    assert.deepEqual(row.s, ['a', 'b']);
    assert.deepEqual(row.m, { x: 1, y: 2 });
  });

  it('round-trips user-defined types', T, async () => {
    await client.execute(`CREATE TYPE ${KS}.addr (street text, zip int)`);
    await client.execute(`CREATE TABLE ${KS}.u (k int PRIMARY KEY, a frozen<addr>)`);
    await client.execute(`INSERT INTO ${KS}.u (k, a) VALUES (?, ?)`, [1, { street: 'Main', zip: 1234 }], { prepare: true });
    const row = (await client.execute(`SELECT a FROM ${KS}.u WHERE k = 1`)).first();
    assert.equal(row.a.street, 'Main');
    assert.equal(row.a.zip, 1234);
    const udt = await client.metadata.getUdt(KS, 'addr');
    assert.deepEqual(udt.fields.map((f) => f.name), ['street', 'zip']);
  });

  it('counts with counters', T, async () => {
    await client.execute(`CREATE TABLE ${KS}.n (k int PRIMARY KEY, c counter)`);
    for (let i = 0; i < 5; i++) {
      await client.execute(`UPDATE ${KS}.n SET c = c + ? WHERE k = ?`, [cassandra.types.Long.fromInt(2), 1],
        { prepare: true });
    }
    const row = (await client.execute(`SELECT c FROM ${KS}.n WHERE k = 1`)).first();
    assert.equal(row.c.toString(), '10');
  });

  it('reports lightweight transaction results', T, async () => {
    await client.execute(`CREATE TABLE ${KS}.l (k int PRIMARY KEY, v text)`);
    let rs = await client.execute(`INSERT INTO ${KS}.l (k, v) VALUES (1, 'a') IF NOT EXISTS`);
    assert.equal(rs.wasApplied(), true);
    rs = await client.execute(`INSERT INTO ${KS}.l (k, v) VALUES (1, 'b') IF NOT EXISTS`);
    assert.equal(rs.wasApplied(), false);
    assert.equal(rs.first().v, 'a');
    rs = await client.execute(`UPDATE ${KS}.l SET v = 'c' WHERE k = 1 IF v = 'a'`);
    assert.equal(rs.wasApplied(), true);
  });

  it('selects JSON', T, async () => {
    await client.execute(`CREATE TABLE ${KS}.j (k int PRIMARY KEY, v text, l list<int>)`);
    await client.execute(`INSERT INTO ${KS}.j JSON '{"k": 1, "v": "x", "l": [1, 2]}'`);
    const row = (await client.execute(`SELECT JSON * FROM ${KS}.j WHERE k = 1`)).first();
    assert.deepEqual(JSON.parse(row['[json]']), { k: 1, l: [1, 2], v: 'x' });
  });
});
