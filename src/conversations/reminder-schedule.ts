// When a new chat's first reminder falls due: the org's answer time after its thread opened.
import type { WorkerDeps } from './worker-deps.ts';
import { answerTimeOf, type OrgSettings } from '../store/org-settings.repository.ts';

/** `settings`: the org's settings as the caller read them in this job, if it did. */
export async function scheduleFirstReminder(deps: WorkerDeps, orgId: string, conversationId: string, settings?: Promise<OrgSettings | null>): Promise<void> {
  const answerTimeMs = answerTimeOf(await (settings ?? deps.store.orgSettings.get(orgId)));
  if (answerTimeMs === null) return;
  const now = deps.now().getTime();
  await deps.producer.scheduleReminder({ orgId, conversationId, stage: 1 }, now + answerTimeMs, now);
}
