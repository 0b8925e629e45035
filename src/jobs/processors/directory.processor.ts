// Runs a directory job: one kind of one workspace synced in full (or its run resumed), or the
// periodic sweep that plans such syncs for every workspace.
import type { WorkerDeps } from '../worker-deps.ts';
import type { DirectoryJob } from '../../queues/queues.ts';
import { assertNever } from '../../errors/index.ts';
import { sweepDirectories, syncDirectoryKind } from '../../directory-sync/directory-sync.ts';

export async function processDirectoryJob(deps: WorkerDeps, job: DirectoryJob): Promise<void> {
  switch (job.kind) {
    case 'sync':
      return syncDirectoryKind(deps, job.teamId, job.what, job.requestedAt);
    case 'sweep':
      return sweepDirectories(deps);
    default:
      return assertNever(job);
  }
}
