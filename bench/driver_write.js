// Cross-check of `krill stress write` with a real driver (npm cassandra-driver, installed in
// tests/node/node_modules by scripts/install-deps.sh): the same prepared INSERT into
// keyspace1.standard1 (10-byte key, five 34-byte blobs, LOCAL_ONE), N writes with C in flight.
//
//   node bench/driver_write.js PORT N C     prints "rate=<op/s> errors=<n>"
'use strict';
const path = require('path');
const cassandra = require(path.join(__dirname, '..', 'tests', 'node', 'node_modules', 'cassandra-driver'));

async function main() {
  const [port, n, concurrency] = process.argv.slice(2).map(Number);
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'], protocolOptions: { port }, localDataCenter: 'datacenter1',
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 4 } },
    queryOptions: { consistency: cassandra.types.consistencies.localOne, prepare: true },
  });
  await client.connect();
  await client.execute("CREATE KEYSPACE IF NOT EXISTS keyspace1 WITH replication = " +
                       "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute('CREATE TABLE IF NOT EXISTS keyspace1.standard1 (key blob PRIMARY KEY, ' +
                       '"C0" blob, "C1" blob, "C2" blob, "C3" blob, "C4" blob)');
  const insert = 'INSERT INTO keyspace1.standard1 (key,"C0","C1","C2","C3","C4") VALUES (?,?,?,?,?,?)';
  const value = Buffer.alloc(34, 7);
  let next = 0;
  let errors = 0;
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (next < n) {
      const k = ++next;
      const key = Buffer.from(String(k).padStart(10, '0'));
      try {
        await client.execute(insert, [key, value, value, value, value, value], { prepare: true });
      } catch (e) {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`rate=${(n / seconds).toFixed(0)} errors=${errors}`);
  await client.shutdown();
}

main().catch((e) => { console.error(e); process.exit(1); });
