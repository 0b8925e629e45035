// CPU time per kind of process on this machine (Linux /proc), between two samples: what a
// benchmark phase spent where (the worker processes, the web process, FerretDB, PostgreSQL,
// Redis, the anchors' processes, the benchmark itself with its emulators). Only this benchmark's
// own process tree is counted: the machine is shared, and another test's FerretDB or Redis
// (the same command lines) must not be charged to this run.
import { readFileSync, readdirSync } from 'node:fs';

const KINDS: Array<[string, RegExp]> = [
  ['worker', /src\/jobs\/worker-main\.ts/],
  ['web', /src\/http\/web-main\.ts/],
  ['ingress anchor', /bench\/ingress-anchor\.ts/],
  ['anchor web', /bench\/pipeline-anchor\.ts web/],
  ['anchor worker', /bench\/pipeline-anchor\.ts worker/],
  ['ferretdb', /ferretdb-embedded/],
  ['postgres', /^postgres|\/postgres /],
  ['redis', /redis-server/],
];
/** The product's processes: what "CPU per message, all product processes" adds up (the store is FerretDB, PostgreSQL and Redis). */
export const PRODUCT_KINDS = ['web', 'worker', 'ferretdb', 'postgres', 'redis'] as const;
/** This process: the benchmark's own client and the emulators it runs in-process. */
export const BENCH_KIND = 'bench + emulators';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export type CpuSample = { at: number; ticks: Map<string, number> };

interface ProcessStat {
  parent: number;
  ticks: number;
}

/** Fields after the command name, which is in parentheses and may hold spaces. */
function readStat(pid: string): ProcessStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }; // ppid; utime + stime
  } catch {
    return null; // The process ended between listing and reading.
  }
}

export function sampleCpu(): CpuSample {
  const stats = new Map<number, ProcessStat>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const stat = readStat(pid);
    if (stat) stats.set(Number(pid), stat);
  }
  // This process and its descendants (the servers local-services started, the product's processes, the anchors').
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of stats) {
      if (!ours.has(pid) && ours.has(stat.parent)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  const ticks = new Map<string, number>();
  for (const pid of ours) {
    let kind: string | undefined = BENCH_KIND;
    if (pid !== process.pid) {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        kind = KINDS.find(([, re]) => re.test(cmdline))?.[0];
      } catch {
        kind = undefined;
      }
    }
    if (kind) ticks.set(kind, (ticks.get(kind) ?? 0) + stats.get(pid)!.ticks);
  }
  return { at: performance.now(), ticks };
}

/** CPU seconds each kind used between `before` and `after` (a process that ended in between is lost). */
function secondsBetween(before: CpuSample, after: CpuSample): Array<[string, number]> {
  return [...after.ticks].map(([kind, t]) => [kind, Math.max(0, t - (before.ticks.get(kind) ?? 0)) / TICKS_PER_SECOND]);
}

/** % of one core each kind used between `before` and `after`, highest first. */
export function cpuBetween(before: CpuSample, after: CpuSample): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const usage = secondsBetween(before, after).map(([kind, s]) => [kind, Math.round((s / seconds) * 100)] as const);
  return Object.fromEntries(usage.sort((a, b) => b[1] - a[1]));
}

/**
 * Milliseconds of CPU per unit of work (a message, a chat start) for each kind between the two
 * samples, to 0.01 ms, highest first. /proc counts in 10 ms ticks: a phase of 2,000 messages
 * resolves 0.005 ms a message.
 */
export function cpuMsPer(before: CpuSample, after: CpuSample, units: number): Record<string, number> {
  const perUnit = secondsBetween(before, after).map(([kind, s]) => [kind, Math.round(((s * 1000) / units) * 100) / 100] as const);
  return Object.fromEntries(perUnit.sort((a, b) => b[1] - a[1]));
}

/** The sum of the named kinds' figures (a kind that used nothing is absent: 0). */
export function sumOf(figures: Record<string, number>, kinds: readonly string[]): number {
  return Math.round(kinds.reduce((sum, kind) => sum + (figures[kind] ?? 0), 0) * 100) / 100;
}
