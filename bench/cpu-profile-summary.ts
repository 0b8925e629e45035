// A text summary of a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it): where the
// process's busy time went, by function and by package, self time (the function itself) and
// inclusive time (it and what it called). The flame graph (0x) shows the shape; this says in a
// few lines which package and which of Threadbridge's own modules to look at, and can be diffed
// between two runs. Idle time is left out of every percentage.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Entry {
  name: string;
  ms: number;
  /** % of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  selfByPackage: Entry[];
  inclusiveByPackage: Entry[];
  selfByFunction: Entry[];
  inclusiveByFunction: Entry[];
}

/**
 * Where a frame's code lives: an npm package (`@scope/name` or `name`), a folder of the
 * repository's own code (`src/jobs`, `bench`), Node.js itself, or V8's pseudo-frames
 * ((garbage collector), (program): native work outside JavaScript).
 */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (internal)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? url);
  }
  const own = /\/(src|bench|sandbox|emulators|local-services)\/(?:([^/]+)\/)?/.exec(url);
  if (own) return own[1] === 'src' && own[2] ? `src/${own[2]}` : own[1]!;
  return url;
}

const frameName = (frame: CallFrame) => {
  const file = frame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(src|bench|sandbox|emulators)\//, '$1/');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
};

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Each sample's time is the delta to the next one (the last sample gets the mean).
  const selfUs = new Map<number, number>();
  const mean = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? mean));

  const selfByPackage = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByPackage = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let idleUs = 0;

  // Depth-first from the root; a package or function already on the stack is not counted again
  // (recursion, or a package calling itself through another), so inclusive time never exceeds the total.
  const onStack = { packages: new Map<string, number>(), functions: new Map<string, number>() };
  const enter = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const leave = (map: Map<string, number>, key: string) => map.set(key, map.get(key)! - 1);
  const subtotal = new Map<number, number>();
  const totalOf = (id: number): number => {
    // Iterative post-order: deep stacks (async chains) would overflow a recursive walk.
    const order: number[] = [];
    const stack = [id];
    while (stack.length) {
      const n = stack.pop()!;
      order.push(n);
      for (const c of byId.get(n)?.children ?? []) stack.push(c);
    }
    for (const n of order.reverse()) {
      const kids = byId.get(n)?.children ?? [];
      subtotal.set(n, (selfUs.get(n) ?? 0) + kids.reduce((sum, c) => sum + (subtotal.get(c) ?? 0), 0));
    }
    return subtotal.get(id) ?? 0;
  };
  const root = profile.nodes[0]!;
  totalOf(root.id);

  const walk: Array<{ id: number; exit: boolean }> = [{ id: root.id, exit: false }];
  while (walk.length) {
    const { id, exit } = walk.pop()!;
    const node = byId.get(id)!;
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    const fn = frameName(node.callFrame);
    if (exit) {
      leave(onStack.packages, pkg);
      leave(onStack.functions, fn);
      continue;
    }
    const self = selfUs.get(id) ?? 0;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += self;
      continue;
    }
    if (node !== root) {
      add(selfByPackage, pkg, self);
      add(selfByFunction, fn, self);
      if (!onStack.packages.get(pkg)) add(inclusiveByPackage, pkg, subtotal.get(id) ?? 0);
      if (!onStack.functions.get(fn)) add(inclusiveByFunction, fn, subtotal.get(id) ?? 0);
    }
    enter(onStack.packages, pkg);
    enter(onStack.functions, fn);
    walk.push({ id, exit: true });
    for (const c of node.children ?? []) walk.push({ id: c, exit: false });
  }

  const wallUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const busyUs = wallUs - idleUs;
  const entries = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / busyUs) * 1000) / 10 }));
  return {
    wallMs: Math.round(wallUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    selfByPackage: entries(selfByPackage),
    inclusiveByPackage: entries(inclusiveByPackage),
    selfByFunction: entries(selfByFunction),
    inclusiveByFunction: entries(inclusiveByFunction),
  };
}

export function formatSummary(summary: ProfileSummary, title: string): string {
  const table = (heading: string, rows: Entry[]) => [
    `${heading}:`,
    ...rows.map((r) => `  ${`${r.percent}%`.padStart(6)} ${`${r.ms} ms`.padStart(11)}  ${r.name}`),
  ];
  return [
    `${title}: ${summary.busyMs} ms busy of ${summary.wallMs} ms profiled (percentages of the busy time)`,
    '',
    ...table('self time by package', summary.selfByPackage),
    '',
    ...table('inclusive time by package (it and what it called)', summary.inclusiveByPackage),
    '',
    ...table('self time by function', summary.selfByFunction),
    '',
    ...table('inclusive time by function', summary.inclusiveByFunction),
    '',
  ].join('\n');
}
