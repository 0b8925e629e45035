// Pushes a conversation's whole transcript to the platform (PUT …/transcript): every message of
// every origin in seq order, with the Slack thread's permalink. A repeat replaces the earlier
// one, so the push runs again whenever the transcript changes.
import type { WorkerDeps } from '../worker-deps.ts';
import type { TranscriptJob } from '../../queues/queues.ts';
import type { TranscriptMessage } from '../../platform/platform-api.ts';
import { repairFromPlatform } from '../../conversations/conversation-thread.ts';

export async function pushTranscript(deps: WorkerDeps, job: TranscriptJob): Promise<void> {
  const { orgId, conversationId } = job;
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread) return; // nothing in Slack, so nothing the platform lacks
  // Messages whose webhooks never arrived are fetched first, so the transcript has no holes.
  await repairFromPlatform(deps, orgId, conversationId);
  const token = await deps.store.installations.botToken(record.thread.teamId, record.orgId);
  if (!token) return;
  const [stored, fromSlack, directory] = await Promise.all([
    deps.store.threadMessages.list(orgId, conversationId),
    deps.store.relayedReplies.sentAndNotes(orgId, conversationId),
    deps.store.platformDirectory.load(orgId),
  ]);
  const notes = fromSlack.filter((r) => r.state === 'internal');
  // When each was written in Slack (its ts), which is when the workers got to it only roughly.
  const writtenInSlack = new Map(fromSlack.map((r) => [r.clientMessageId, slackTsTime(r.slackTs)]));
  const nameOf = (agentId: string | null, slackUserId: string) => directory.agents.find((a) => a.agentId === agentId)?.name ?? `Slack user ${slackUserId}`;
  const messages = withInternalNotes(
    stored.map((m) => m.message),
    notes.map((n) => ({
      id: `note-${n.clientMessageId}`,
      createdAt: new Date(writtenInSlack.get(n.clientMessageId) ?? n.createdAt?.getTime() ?? 0).toISOString(),
      text: n.noteText ?? '',
      author: { type: 'agent' as const, id: n.agentId ?? n.slackUserId, name: nameOf(n.agentId, n.slackUserId), avatarUrl: null },
      clientMessageId: n.clientMessageId,
    })),
    (m) => (m.clientMessageId ? writtenInSlack.get(m.clientMessageId) : undefined),
  );
  const permalink = await deps.slack.getPermalink(token, { channel: record.thread.channelId, ts: record.thread.threadTs });
  await deps.platform.putTranscript({ orgId, conversationId, messages, slack: { ...record.thread, permalink } });
  deps.logger.info({ orgId, conversationId, messages: messages.length }, 'transcript pushed');
}

/** Slack's ts ("1700000000.000100") as ms since the epoch. */
const slackTsTime = (ts: string) => Math.floor(Number(ts) * 1000);

/**
 * Chat messages in seq order with the reps' internal notes placed by time among them. A note has
 * no seq of its own at the platform; it carries the seq of the message it follows (or, before
 * every message, of the first). A note's time is when it was written in Slack; so is a reply's
 * that came from Slack (`writtenInSlack`), whose createdAt at the platform is when a worker relayed
 * it: a note written before a reply stays before it however the workers' order went.
 */
export function withInternalNotes(
  messages: TranscriptMessage[],
  notes: Array<Pick<TranscriptMessage, 'id' | 'createdAt' | 'text' | 'author' | 'clientMessageId'>>,
  writtenInSlack: (message: TranscriptMessage) => number | undefined = () => undefined,
): TranscriptMessage[] {
  const ordered = [...messages].sort((a, b) => a.seq - b.seq);
  const out: TranscriptMessage[] = [];
  let n = 0;
  const at = (iso: string) => Date.parse(iso);
  const sortedNotes = [...notes].sort((a, b) => at(a.createdAt) - at(b.createdAt));
  // Seqs start at 1: a note before every message borrows the first message's seq.
  const seqBefore = () => out.at(-1)?.seq ?? ordered[0]?.seq ?? 1;
  for (const message of ordered) {
    const messageAt = writtenInSlack(message) ?? at(message.createdAt);
    while (n < sortedNotes.length && at(sortedNotes[n]!.createdAt) < messageAt) out.push(asNote(sortedNotes[n++]!, seqBefore()));
    out.push(message);
  }
  while (n < sortedNotes.length) out.push(asNote(sortedNotes[n++]!, seqBefore()));
  return out;
}

function asNote(note: Pick<TranscriptMessage, 'id' | 'createdAt' | 'text' | 'author' | 'clientMessageId'>, seq: number): TranscriptMessage {
  return { ...note, seq, origin: 'slack', attachments: [], internal: true };
}
