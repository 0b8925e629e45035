// Vitest's file order for a run with no timings cached (CI's clean clone): the files known to run
// for minutes first, then the other end-to-end and browser files, then the rest. Vitest's own
// order without a cache is largest file first, which put the fault and settings end-to-end files
// (small files, each waiting out a minute of real time) last: two forks, one long tail with one
// of them idle. Longest first keeps both busy to the end. With timings cached (a developer's
// machine) vitest's order (failed first, then longest) stands within each group.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const groups: RegExp[] = [
  // Each waits out real time: outages of a minute, answer times of 30 s, Slack's rate-limit minutes,
  // a killed worker's stalled jobs; or dies half-way after every outside call (crash safety).
  /\/test\/e2e\/(faults-[^/]*|directory|chat-handling-settings\.[^/]*|activity\.[^/]*|busy-channel|shutdown)\.e2e\.test\.ts$|\/crash-safety\.redis\.test\.ts$/,
  /\/test\/e2e\/|\.browser\.test\.ts$/,
];

const groupOf = (file: string) => {
  const index = groups.findIndex((pattern) => pattern.test(file));
  return index === -1 ? groups.length : index;
};

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cachedOrder = await super.sort(files);
    // Array.prototype.sort is stable: within a group, vitest's order stands.
    return cachedOrder.sort((a, b) => groupOf(a.moduleId) - groupOf(b.moduleId));
  }
}
