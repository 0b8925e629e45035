// `npm run bench` (last step): the table of every figure the benchmarks wrote to
// bench-results/*.json, each with its target (issue 13's) and its ratio to the anchor measured
// in the same run, printed as Markdown (docs/reference/developing.md shows the latest) and written
// with the machine and the versions to bench-results/summary.json. A figure a benchmark did not
// produce is listed as not measured, never left out.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { findPostgresBinDir } from '../local-services/index.ts';

type Json = Record<string, any>;
const read = (name: string): Json | null => (existsSync(`bench-results/${name}.json`) ? JSON.parse(readFileSync(`bench-results/${name}.json`, 'utf8')) : null);

interface Row {
  figure: string;
  value: string;
  target: string;
  anchor: string;
  met: boolean | null;
}

const num = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : null);
const show = (n: number | null, unit: string) => (n === null ? 'not measured' : `${n} ${unit}`);

function rows(): Row[] {
  const throughput = read('throughput');
  const one = throughput?.runs?.find((r: Json) => r.workers === 1) ?? null;
  const ingress = read('ingress');
  const posting = read('posting');
  const directory = read('directory');
  const store = read('store-backends');
  const out: Row[] = [];
  const bullmq = num(one?.bullmqJobsPerSecond);
  const messages = num(one?.messagesPerSecond);
  out.push({
    figure: 'visitor messages → threads, 200 chats in 50 channels, 1 worker',
    value: show(messages, 'msg/s'),
    target: '≥ 300 msg/s',
    anchor: bullmq === null || messages === null ? '–' : `BullMQ add+process ${bullmq} jobs/s (×${(messages / bullmq).toFixed(3)})`,
    met: messages === null ? null : messages >= 300,
  });
  const starts = num(one?.chatStartsPerSecond);
  out.push({
    figure: 'chat start → parent message, 1 worker',
    value: show(starts, 'chats/s'),
    target: '≥ 100 chats/s',
    anchor: bullmq === null || starts === null ? '–' : `BullMQ ${bullmq} jobs/s (×${(starts / bullmq).toFixed(3)})`,
    met: starts === null ? null : starts >= 100,
  });
  const cpu = num(one?.cpuPerMessageMsProduct);
  const pipeline = one?.pipelineAnchor ?? null;
  const perProcess = (figures: Json | undefined, kinds: string[]) => kinds.map((k) => `${k} ${figures?.[k] ?? 0}`).join(', ');
  out.push({
    figure: 'CPU per visitor message, all product processes (web + worker + FerretDB + PostgreSQL + Redis), 1 worker',
    value: cpu === null ? 'not measured' : `${cpu} ms (${perProcess(one?.cpuPerMessageMs, ['web', 'worker', 'ferretdb', 'postgres', 'redis'])})`,
    target: '≤ ×3 of the pipeline anchor',
    anchor: pipeline
      ? `signed Fastify route → BullMQ → worker (1 insert, 1 chat.postMessage) ${pipeline.cpuPerMessageMsTotal} ms, ${pipeline.messagesPerSecond} msg/s (×${one.cpuPerMessageVsAnchor})`
      : '–',
    met: pipeline && cpu !== null ? one.cpuPerMessageVsAnchor <= 3 : null,
  });
  const startCpu = num(one?.cpuPerChatStartMsProduct);
  out.push({
    figure: 'CPU per chat start, all product processes, 1 worker',
    value: startCpu === null ? 'not measured' : `${startCpu} ms (${perProcess(one?.cpuPerChatStartMs, ['web', 'worker', 'ferretdb', 'postgres', 'redis'])})`,
    target: 'figure',
    anchor: '–',
    met: null,
  });
  const seeded = one?.seeded ?? null;
  const storedMessages = seeded?.documents?.thread_messages ?? null;
  out.push({
    figure: `the same run on a store with ${storedMessages === null ? '2,000,000' : storedMessages} more messages (${seeded?.documents?.threads ?? '100,000'} more chats)`,
    value: seeded ? `${seeded.messagesPerSecond} msg/s, ${seeded.chatStartsPerSecond} chats/s` : 'not measured',
    target: '≥ ×0.8 of the empty store (≤ 20 % slower)',
    anchor: seeded ? `the same round on the empty store: messages ×${seeded.messagesRatio}, chat starts ×${seeded.chatStartsRatio}` : '–',
    met: seeded ? seeded.messagesRatio >= 0.8 && seeded.chatStartsRatio >= 0.8 : null,
  });
  const twins = (store?.rows ?? []).filter((r: Json) => r.backend === 'postgresql + index twins');
  const small = twins[0];
  const large = twins.at(-1);
  if (small && large) {
    const worst = Math.max(large.findByConvMs / small.findByConvMs, large.updateByIdMs / small.updateByIdMs, large.findOneByIdMs / small.findOneByIdMs);
    out.push({
      figure: `store operations at ${large.documents} documents (worst of find/update/findOne by key)`,
      value: `×${worst.toFixed(2)}`,
      target: 'flat (≤ ×1.2)',
      anchor: `the same at ${small.documents} documents`,
      met: worst <= 1.2,
    });
  }
  const scale = throughput?.scaleOut;
  out.push({
    figure: `scale-out: ${scale?.workers ?? 3} workers vs 1, messages/s`,
    value: scale ? `×${scale.messagesRatio}` : 'not measured',
    target: 'figure (what saturates: throughput.json)',
    anchor: '1 worker',
    met: null,
  });
  const toThread = posting?.webhookToSlackThread;
  out.push({
    figure: 'webhook sent → chat.postMessage received, unsaturated',
    value: toThread ? `p50 ${toThread.p50Ms} ms, p99 ${toThread.p99Ms} ms` : 'not measured',
    target: 'p50 < 25 ms, p99 < 100 ms',
    anchor: '–',
    met: toThread ? toThread.p50Ms < 25 && toThread.p99Ms < 100 : null,
  });
  const toPlatform = posting?.repReplyToPlatform;
  out.push({
    figure: 'rep reply event → platform POST …/messages, unsaturated',
    value: toPlatform ? `p50 ${toPlatform.p50Ms} ms, p99 ${toPlatform.p99Ms} ms` : 'not measured',
    target: 'p50 < 25 ms, p99 < 100 ms',
    anchor: '–',
    met: toPlatform ? toPlatform.p50Ms < 25 && toPlatform.p99Ms < 100 : null,
  });
  const loaded = read('loaded-latency');
  out.push({
    figure: `${loaded?.setup?.chats ?? '1,000'} active chats over ${loaded?.setup?.workspaces ?? 100} workspaces at ${loaded?.setup?.messagesPerSecond ?? 200} msg/s, Slack limits on`,
    value: loaded ? `p50 ${loaded.spread.p50Ms} ms, p99 ${loaded.spread.p99Ms} ms, lost ${loaded.spread.lost}` : 'not measured',
    target: 'p99 < 1 s',
    anchor: '–',
    met: loaded ? loaded.spread.p99Ms < 1000 && loaded.spread.lost === 0 : null,
  });
  out.push({
    figure: `a quiet org (1 msg/s) while another floods at ${loaded?.setup?.floodMessagesPerSecond ?? 100} msg/s`,
    value: loaded ? `p50 ${loaded.quietNextToFlood.p50Ms} ms, p99 ${loaded.quietNextToFlood.p99Ms} ms` : 'not measured',
    target: 'p99 < 1 s',
    anchor: loaded ? `the flooding org's p99 ${loaded.flood.p99Ms} ms` : '–',
    met: loaded ? loaded.quietNextToFlood.p99Ms < 1000 && loaded.quietNextToFlood.lost === 0 : null,
  });
  out.push({
    figure: 'ingress, the web process, 50 connections',
    value: ingress ? `${ingress.web.requestsPerSecond} req/s` : 'not measured',
    target: '≥ 0.8 × anchor',
    anchor: ingress ? `bare Fastify + HMAC + BullMQ add ${ingress.anchor.requestsPerSecond} req/s (×${ingress.ratio})` : '–',
    met: ingress ? ingress.ratio >= 0.8 : null,
  });
  const memory = num(directory?.memoryPerWorkspace?.redisMB);
  out.push({
    figure: `directory Redis memory, ${directory?.workspace?.channels ?? 100000}-channel workspace`,
    value: show(memory, 'MB'),
    target: '≤ 30 MB',
    anchor: '–',
    met: memory === null ? null : memory <= 30,
  });
  const lookup = num(directory?.channelLookupByName?.p99Ms);
  const search = num(directory?.channelSearch?.p99Ms);
  out.push({
    figure: 'directory lookup by name / search, p99',
    value: lookup === null ? 'not measured' : `${lookup} ms / ${search} ms`,
    target: '< 15 ms',
    anchor: '–',
    met: lookup === null || search === null ? null : lookup < 15 && search < 15,
  });
  const activity = read('activity');
  const yearP99 = num(activity?.apiYear?.p99Ms);
  out.push({
    figure: `activity API, a year of one org's days (${activity?.chatsADay ?? 1000} chats a day), p99`,
    value: show(yearP99, 'ms'),
    target: '< 300 ms',
    anchor: activity
      ? `its last ${activity.rawDays} days from the API p99 ${activity.apiRawDays.p99Ms} ms; the same days from the raw facts p99 ${activity.anchorFromRawFacts.p99Ms} ms`
      : '–',
    met: yearP99 === null ? null : yearP99 < 300,
  });
  return out;
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0]!;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

const table = rows();
const pg = findPostgresBinDir();
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  redis: version('redis-server', ['--version']),
  postgres: pg ? version(`${pg}/postgres`, ['--version']) : 'not installed',
  ferretdb: 'v1.24.2 (tools/ferretdb, PostgreSQL backend with index twins)',
  packages: Object.fromEntries(['bullmq', 'ioredis', 'mongodb', 'fastify', '@slack/web-api'].map((p) => [p, packageVersion(p)])),
};
const mark = (met: boolean | null) => (met === null ? '–' : met ? 'yes' : 'no');
const lines = [
  '| figure | measured | target | anchor (same run) | met |',
  '| --- | --- | --- | --- | --- |',
  ...table.map((r) => `| ${r.figure} | ${r.value} | ${r.target} | ${r.anchor} | ${mark(r.met)} |`),
];
console.log(`\nbench summary (${machine.cores} cores, ${machine.cpu}, Node ${machine.node}):\n`);
console.log(lines.join('\n'));
writeFileSync('bench-results/summary.json', `${JSON.stringify({ when: new Date().toISOString(), machine, rows: table }, null, 2)}\n`);
console.log('\nwritten to bench-results/summary.json');
