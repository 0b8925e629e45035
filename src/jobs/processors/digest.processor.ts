// The `digests` queue: the scheduled sweep that posts each org's weekly digest when it is due
// (src/conversations/weekly-digest.ts; once per org and week, whichever worker runs it).
import type { DigestJob } from '../../queues/queues.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { sweepDigests } from '../../conversations/weekly-digest.ts';

export async function processDigestJob(deps: WorkerDeps, job: DigestJob): Promise<void> {
  const posted = await sweepDigests(deps);
  if (posted > 0) deps.logger.info({ kind: job.kind, posted }, 'weekly digests posted');
}
