// Months of data for the throughput bench's "flat" figure: clones one real chat's documents (its
// record's facts, claims, thread link and messages, as FerretDB itself wrote them while the
// product handled the chat) into `conversations` copies, each under a new conversation id and
// thread ts, in SQL on FerretDB's PostgreSQL tables. Hand-written because inserting millions of
// documents through the MongoDB protocol takes longer than the whole bench may (~7,000 a second
// here); a copy made this way is what the product would have stored, indexes included. The
// tables' indexes (FerretDB's and their twins) are dropped for the copy and built again after it,
// from their own definitions, under the same names: building an index once over millions of rows
// is several times faster than maintaining it through each insert, and leaves the same index.
// Embedded FerretDB on PostgreSQL only (the default); psql from Debian's postgresql-client.
// psql runs as a child process the bench awaits, never spawnSync: the platform emulator lives in the
// bench's process, and a webhook socket its sender kept alive would go on looking free for the ~2
// minutes of the copy while the web process closes it after its keep-alive timeout (Fastify's 72 s);
// the seeded round's first webhook then went out on it and failed (ECONNRESET or EPIPE), and came
// 10 s later with the platform's retry (×0.33 chat starts, 2026-12-04 and -05).
import { execFile } from 'node:child_process';

export interface SeedInput {
  postgresqlUrl: string;
  dbName: string;
  /** The chat to copy: its id and its thread's ts appear in every document it owns. */
  conversationId: string;
  threadTs: string;
  conversations: number;
}

export interface SeedResult {
  seconds: number;
  documents: Record<string, number>;
}

const COLLECTIONS = ['conversation_facts', 'conversation_claims', 'threads', 'thread_messages'];

function psql(url: string, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('psql', [url, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`psql failed (${error.code}): ${stderr || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export async function seedStore(input: SeedInput): Promise<SeedResult> {
  const started = performance.now();
  const schema = ident(input.dbName);
  // FerretDB's own map from collection names to table names.
  const tables = new Map(
    (await psql(input.postgresqlUrl, `SELECT _jsonb->>'_id', _jsonb->>'table' FROM ${schema}._ferretdb_database_metadata`))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('|') as [string, string]),
  );
  const documents: Record<string, number> = {};
  // The copies' thread ts: three years before the original, the copy's number as microseconds,
  // so no copy shares a ts with the original or any other thread of the run (the original's own
  // microseconds would collide with copy n = that number, as it once did).
  if (input.conversations >= 1_000_000) throw new Error('at most 999,999 copies: their number is the ts microseconds');
  const copySeconds = String(Number(input.threadTs.split('.')[0]) - 100_000_000);
  // A collection the run never wrote has no table, and nothing of the chat to copy (a chat start
  // claims nothing in conversation_claims since issue 29; an unanswered chat has no claim there).
  const copied = COLLECTIONS.flatMap((collection) => {
    const table = tables.get(collection);
    return table ? [{ collection, table }] : [];
  });
  if (!copied.some((c) => c.collection === 'conversation_facts')) throw new Error(`no FerretDB table for conversation_facts in ${input.dbName}`);
  // Every index of the copied tables, btree ones (FerretDB's) first: built again in this order,
  // each twin then already exists when its definition comes (the twin trigger made it).
  const indexes = (
    await psql(
      input.postgresqlUrl,
      `SELECT indexname || '|' || indexdef FROM pg_indexes
      WHERE schemaname = ${literal(input.dbName)} AND tablename IN (${copied.map((c) => literal(c.table)).join(', ')})
      ORDER BY (indexdef LIKE '%USING btree%') DESC, indexname`,
    )
  )
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf('|');
      return { name: line.slice(0, at), definition: line.slice(at + 1) };
    });
  await psql(input.postgresqlUrl, indexes.map((i) => `DROP INDEX ${schema}.${ident(i.name)};`).join('\n'));
  for (const { collection, table } of copied) {
    // Each copy n: the conversation id gets a suffix, the thread ts the one above, so every
    // _id (which holds one or the other) is new and nothing points at the original chat.
    const sql = `INSERT INTO ${schema}.${ident(table)} (_jsonb)
      SELECT replace(replace(t._jsonb::text, ${literal(input.conversationId)}, ${literal(input.conversationId)} || '_s' || n),
                     ${literal(input.threadTs)}, ${literal(`${copySeconds}.`)} || lpad(n::text, 6, '0'))::jsonb
      FROM ${schema}.${ident(table)} t, generate_series(1, ${input.conversations}) n
      WHERE t._jsonb::text LIKE ${literal(`%${input.conversationId}%`)}`;
    const inserted = await psql(input.postgresqlUrl, sql);
    documents[collection] = Number(/INSERT 0 (\d+)/.exec(inserted)?.[1] ?? 0);
  }
  const ifNotExists = (definition: string) => definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ');
  await psql(input.postgresqlUrl, `SET maintenance_work_mem = '256MB';\n${indexes.map((i) => `${ifNotExists(i.definition)};`).join('\n')}`);
  // As autovacuum would have, long before a store held this much: statistics, and the copies'
  // visibility and hint bits set (else the round's first reads of each page write it again).
  await psql(input.postgresqlUrl, `VACUUM (ANALYZE)`);
  // Then the copy's gigabytes of dirty pages written out, PostgreSQL's to the OS and the OS's to
  // disk: a store that grew over months is not flushing a bulk load. Left to the kernel, the
  // writeback (~2 GB, at the kernel's own moment) fell inside the seeded round in some runs and
  // not in others: ×0.71 to ×1.05 of the empty store's chat starts for the same code, 2026-12-07.
  await psql(input.postgresqlUrl, `CHECKPOINT`);
  await new Promise<void>((resolve, reject) => execFile('sync', (error) => (error ? reject(error) : resolve())));
  return { seconds: Math.round((performance.now() - started) / 100) / 10, documents };
}
