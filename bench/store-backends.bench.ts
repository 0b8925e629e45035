// `npm run bench` (store part): FerretDB's backends side by side, on the operations the hot path
// makes (docs/store-access-paths.md): a record read (`find {conv}`), a fact write
// (`updateOne {_id}`) and a claim read (`findOne {_id}`, a late row), as the collection grows.
// Three setups: SQLite; PostgreSQL as FerretDB leaves it (its indexes unused, FerretDB #4646);
// PostgreSQL with the index twins ferretdb-embedded adds (tools/ferretdb/index-twins.sql), the
// default. SQLite stops at the smaller sizes: at 50,000 documents one find already takes seconds.
// The anchor, measured in the same run, is each operation on a collection of 100 documents:
// "flat" means the ratio to it stays near 1. Writes bench-results/store-backends.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startFerretDb } from '../local-services/index.ts';
import { connectMongo, ensureIndexes } from '../src/store/index.ts';
import { compoundKey } from '../src/store/compound-key.ts';
import { summary } from './stats.ts';

const SIZES = (process.env.BENCH_STORE_SIZES ?? '100,10000,100000').split(',').map(Number);
const SQLITE_MAX = Number(process.env.BENCH_STORE_SQLITE_MAX ?? 10000);
const SAMPLES = Number(process.env.BENCH_STORE_SAMPLES ?? 20);
const FIELDS = 20; // facts per conversation, about what a chat's record holds

type Setup = 'sqlite' | 'postgresql, FerretDB alone' | 'postgresql + index twins';
interface Row {
  backend: Setup;
  documents: number;
  findByConvMs: number;
  updateByIdMs: number;
  findOneByIdMs: number;
}

async function measure(backend: Setup): Promise<Row[]> {
  const server = await startFerretDb({
    backend: backend === 'sqlite' ? 'sqlite' : 'postgresql',
    indexTwins: backend === 'postgresql + index twins',
    logLevel: 'error',
  });
  const mongo = await connectMongo(server.url, 'bench_store');
  const rows: Row[] = [];
  try {
    await ensureIndexes(mongo.db);
    const facts = mongo.db.collection<{ _id: string; conv: string; orgId: string; conversationId: string; field: string; value: unknown }>(
      'conversation_facts',
    );
    let stored = 0;
    for (const size of SIZES.filter((n) => backend !== 'sqlite' || n <= SQLITE_MAX)) {
      while (stored < size) {
        const batch = Array.from({ length: Math.min(1000, size - stored) }, (_, i) => {
          const n = stored + i;
          const conversationId = `conv_${Math.floor(n / FIELDS)}`;
          return {
            _id: compoundKey('org_bench', conversationId, `field_${n % FIELDS}`),
            conv: compoundKey('org_bench', conversationId),
            orgId: 'org_bench',
            conversationId,
            field: `field_${n % FIELDS}`,
            value: { text: `value ${n}`, at: new Date() },
          };
        });
        await facts.insertMany(batch, { ordered: false });
        stored += batch.length;
      }
      // The newest conversation: the one a hot path would touch, at the end of the table.
      const last = `conv_${Math.floor((size - 1) / FIELDS)}`;
      const time = async (op: () => Promise<unknown>) => {
        const samples: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const started = performance.now();
          await op();
          samples.push(performance.now() - started);
        }
        return summary(samples).p50Ms;
      };
      rows.push({
        backend,
        documents: size,
        findByConvMs: await time(() => facts.find({ conv: compoundKey('org_bench', last) }).toArray()),
        updateByIdMs: await time(() =>
          facts.updateOne({ _id: compoundKey('org_bench', last, 'field_0') }, { $set: { value: { text: 'updated', at: new Date() } } }),
        ),
        findOneByIdMs: await time(() => facts.findOne({ _id: compoundKey('org_bench', last, 'field_1') })),
      });
    }
  } finally {
    await mongo.close();
    await server.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  const rows = [...(await measure('sqlite')), ...(await measure('postgresql, FerretDB alone')), ...(await measure('postgresql + index twins'))];
  const anchor = (row: Row) => rows.find((r) => r.backend === row.backend && r.documents === SIZES[0])!;
  console.log(`store operations, p50 of ${SAMPLES} (ratio to the same backend at ${SIZES[0]} documents, the anchor):`);
  console.log('| backend | documents | find {conv} | updateOne {_id} | findOne {_id} |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const a = anchor(r);
    const cell = (ms: number, base: number) => `${ms} ms (×${(ms / base).toFixed(1)})`;
    console.log(
      `| ${r.backend} | ${r.documents} | ${cell(r.findByConvMs, a.findByConvMs)} | ${cell(r.updateByIdMs, a.updateByIdMs)} | ${cell(r.findOneByIdMs, a.findOneByIdMs)} |`,
    );
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/store-backends.json',
    `${JSON.stringify({ when: new Date().toISOString(), machine: { cores: cpus().length, node: process.version }, samples: SAMPLES, rows }, null, 2)}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
