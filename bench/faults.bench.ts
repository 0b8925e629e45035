// `npm run faults`: every fault Threadbridge must survive (test/e2e/faults/fault-scenarios.ts),
// on Node.js and on Deno workers, each against servers of its own: a worker SIGKILLed
// mid-burst, Redis restarted mid-burst with AOF on, FerretDB stopped for a minute, Slack 500s
// and 429 storms, the platform down for a minute. Prints a table (fault, messages sent,
// delivered once, lost, duplicated, out of order, seconds to recover) and writes it to
// bench-results/faults.json. FAULTS_RUNTIMES=node (or deno) runs one runtime only; FAULTS_OUTAGE_MS
// shortens the two one-minute outages for a quick look.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { mongoStopped, platformDown, redisRestarted, slackStorms, workerKilled, type FaultRow } from '../test/e2e/faults/fault-scenarios.ts';
import type { Runtime } from '../sandbox/processes.ts';

const runtimes = (process.env.FAULTS_RUNTIMES ?? 'node,deno')
  .split(',')
  .map((r) => r.trim())
  .filter(Boolean) as Runtime[];
const outageMs = Number(process.env.FAULTS_OUTAGE_MS ?? 60_000);

function table(rows: FaultRow[]): string {
  const header = ['fault', 'worker', 'sent', 'delivered once', 'lost', 'duplicated', 'out of order', 's to recover'];
  const cells = rows.map((r) => [r.fault, r.runtime, r.sent, r.deliveredOnce, r.lost, r.duplicated, r.outOfOrder, r.secondsToRecover ?? 'never'].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const rows: FaultRow[] = [];
  for (const runtime of runtimes) {
    for (const run of [
      () => workerKilled(runtime),
      () => redisRestarted(runtime),
      () => mongoStopped(runtime, { outageMs }),
      () => slackStorms(runtime),
      () => platformDown(runtime, { outageMs }),
    ]) {
      const row = await run();
      rows.push(row);
      console.log(
        `${row.fault} (${runtime}): ${row.deliveredOnce}/${row.sent} delivered once, ${row.lost} lost, ${row.duplicated} duplicated, ${row.outOfOrder} out of order${row.notes.length ? `; ${row.notes.join('; ')}` : ''}`,
      );
    }
  }
  console.log(`\n${table(rows)}\n`);
  const results = { when: new Date().toISOString(), machine: { cores: cpus().length, node: process.version }, outageMs, rows };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/faults.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('written to bench-results/faults.json');
  const bad = rows.filter((r) => r.lost || r.duplicated || r.outOfOrder || r.secondsToRecover === null);
  if (bad.length > 0) {
    console.error(`${bad.length} fault(s) lost, duplicated or reordered messages`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error('faults benchmark failed:', error);
  process.exit(1);
});
