// CPU time per kind of process on this machine (Linux /proc), between two samples: what a
// benchmark phase spent where (the worker processes, the web process, FerretDB, PostgreSQL,
// Redis, the benchmark itself with its emulators), in % of one core.
import { readFileSync, readdirSync } from 'node:fs';

const KINDS: Array<[string, RegExp]> = [
  ['worker', /src\/jobs\/worker-main\.ts/],
  ['web', /src\/http\/web-main\.ts/],
  ['ingress anchor', /bench\/ingress-anchor\.ts/],
  ['ferretdb', /ferretdb-embedded/],
  ['postgres', /^postgres|\/postgres /],
  ['redis', /redis-server/],
];
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export type CpuSample = { at: number; ticks: Map<string, number> };

export function sampleCpu(): CpuSample {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const kind = Number(pid) === process.pid ? 'bench + emulators' : KINDS.find(([, re]) => re.test(cmdline))?.[0];
      if (!kind) continue;
      // Fields after the command name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]); // utime + stime
      ticks.set(kind, (ticks.get(kind) ?? 0) + used);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return { at: performance.now(), ticks };
}

/** % of one core each kind used between `before` and `after`, highest first. */
export function cpuBetween(before: CpuSample, after: CpuSample): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const usage = [...after.ticks].map(([kind, t]) => [kind, Math.round(((t - (before.ticks.get(kind) ?? 0)) / TICKS_PER_SECOND / seconds) * 100)] as const);
  return Object.fromEntries(usage.sort((a, b) => b[1] - a[1]));
}
