// When a new chat's first reminder falls due: the org's answer time after its thread opened.
import type { WorkerDeps } from './worker-deps.ts';
import { answerTimeOf } from '../store/org-settings.repository.ts';

export async function scheduleFirstReminder(deps: WorkerDeps, orgId: string, conversationId: string): Promise<void> {
  const answerTimeMs = answerTimeOf(await deps.store.orgSettings.get(orgId));
  if (answerTimeMs === null) return;
  const now = deps.now().getTime();
  await deps.producer.scheduleReminder({ orgId, conversationId, stage: 1 }, now + answerTimeMs, now);
}
