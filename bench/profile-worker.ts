// `npm run profile:worker`: the throughput bench (bench/throughput.bench.ts) with the product's
// processes under `--cpu-prof` (PRODUCT_CPU_PROFILE_DIR, sandbox/processes.ts), then the worker's
// profile turned into
//   bench-results/worker-flamegraph.html  a flame graph (0x --visualize-cpu-profile; self-contained, offline),
//   bench-results/worker-profile.txt      top self and inclusive time by package and by function,
//   bench-results/worker-profile.json     the same as data, and the .cpuprofile itself (Chrome DevTools opens it).
// One worker and no seeded store unless BENCH_THROUGHPUT_WORKERS / BENCH_SEED_CONVERSATIONS say
// otherwise; the BENCH_THROUGHPUT_* sizes pass through. The profile covers the worker's whole life
// (start, the routing groups' setup, the round), the round being most of its busy time. Profiling
// slows the worker, so the bench figures of this run are not the throughput's.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, summarizeProfile, type CpuProfile } from './cpu-profile-summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'threadbridge-profile-'));
const env = {
  ...process.env,
  PRODUCT_CPU_PROFILE_DIR: dir,
  BENCH_THROUGHPUT_WORKERS: process.env.BENCH_THROUGHPUT_WORKERS ?? '1',
  BENCH_SEED_CONVERSATIONS: process.env.BENCH_SEED_CONVERSATIONS ?? '0',
};
const bench = spawnSync(process.execPath, ['--import', 'tsx', 'bench/throughput.bench.ts'], { env, stdio: 'inherit' });
if (bench.status !== 0) {
  console.error(`the throughput bench failed (exit ${bench.status}); profiles, if any, are in ${dir}`);
  process.exit(1);
}

// CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the worker's main thread (others are tsx's loader).
const profiles = readdirSync(join(dir, 'worker')).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
if (profiles.length === 0) throw new Error(`no worker profile was written to ${dir}/worker`);
mkdirSync('bench-results', { recursive: true });
const summaries: Record<string, unknown> = {};
const texts: string[] = [];
for (const [i, name] of profiles.sort().entries()) {
  const file = join(dir, 'worker', name);
  const suffix = profiles.length > 1 ? `-${i + 1}` : '';
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  summaries[`worker${suffix}`] = summary;
  texts.push(formatSummary(summary, `worker${suffix} (${name})`));
  copyFileSync(file, `bench-results/worker${suffix}.cpuprofile`);
  // 0x writes flamegraph.html beside the profile.
  execFileSync('node_modules/.bin/0x', ['--visualize-cpu-profile', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  copyFileSync(join(dir, 'worker', 'flamegraph.html'), `bench-results/worker${suffix}-flamegraph.html`);
}
writeFileSync('bench-results/worker-profile.txt', texts.join('\n'));
writeFileSync('bench-results/worker-profile.json', `${JSON.stringify({ when: new Date().toISOString(), ...summaries }, null, 2)}\n`);
console.log(`\n${texts.join('\n')}`);
console.log('written: bench-results/worker-flamegraph.html, worker-profile.txt, worker-profile.json, worker.cpuprofile');
rmSync(dir, { recursive: true, force: true });
