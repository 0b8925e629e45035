// A problem a worker met with an org's integration: recorded, and told to the installer by DM at
// most once a day (src/conversations/org-problem-notices.ts). Safe to run twice: the day's claim
// is taken before the post.
import type { OrgProblemJob } from '../../queues/queues.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { recordOrgProblem } from '../../conversations/org-problem-notices.ts';

export function processOrgProblem(deps: WorkerDeps, job: OrgProblemJob): Promise<void> {
  return recordOrgProblem(deps, job);
}
