// Pushes a conversation's whole transcript to the platform (PUT …/transcript): every message of
// every origin in seq order, with the Slack thread's permalink. A repeat replaces the earlier
// one, so the push runs again whenever the transcript changes.
import type { WorkerDeps } from './worker-deps.ts';
import type { TranscriptJob } from './queues.ts';
import type { TranscriptMessage } from '../platform/platform-api.ts';
import { repairFromPlatform } from './conversation-thread.ts';

export async function pushTranscript(deps: WorkerDeps, job: TranscriptJob): Promise<void> {
  const { orgId, conversationId } = job;
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread) return; // nothing in Slack, so nothing the platform lacks
  // Messages whose webhooks never arrived are fetched first, so the transcript has no holes.
  await repairFromPlatform(deps, orgId, conversationId);
  const token = await deps.store.installations.botToken(record.thread.teamId);
  if (!token) return;
  const stored = await deps.store.threadMessages.list(orgId, conversationId);
  const messages: TranscriptMessage[] = stored.map((m) => m.message);
  const permalink = await deps.slack.getPermalink(token, { channel: record.thread.channelId, ts: record.thread.threadTs });
  await deps.platform.putTranscript({ orgId, conversationId, messages, slack: { ...record.thread, permalink } });
  deps.logger.info({ orgId, conversationId, messages: messages.length }, 'transcript pushed');
}
