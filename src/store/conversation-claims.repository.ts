// What happens once per conversation, claimed in `conversation_claims` before it is done: the
// first answer and the rep's claim of the chat (the first wins, for good), and the posts that a
// dead job's successor must still make (reminder stages, the end-of-chat prompt, one-off
// notices: lease claims, see lease-claims.ts). One part of the conversations repository.
import type { ConversationStorage } from './conversation-storage.ts';
import { leaseFor, type ClaimResult } from './lease-claims.ts';
import type { FirstAnswer } from './conversation-records.ts';

/** The rep who claimed (joined) a chat. */
interface ChatClaimer {
  agentId: string;
  slackUserId: string;
  name: string;
}

export interface ConversationClaimsRepository {
  /** Records the first answer; false when someone had already answered. */
  markAnswered(orgId: string, conversationId: string, by: FirstAnswer, now: Date): Promise<boolean>;
  /** The first answer as its claim keeps it (known as soon as the claim is, also when a job died right after). */
  firstAnswer(orgId: string, conversationId: string): Promise<FirstAnswer | null>;
  /** Writes the first answer onto the record (what markAnswered does after winning), for a job retried in between. */
  settleAnswer(orgId: string, conversationId: string, by: FirstAnswer, now: Date): Promise<void>;
  /**
   * Claims a reminder stage so it is sent once; false when it is done or another job holds it
   * (a holder that died is taken over after the claim's lease: see lease-claims.ts).
   */
  claimReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<boolean>;
  /** The stage was sent: recorded on the record (reminderStage) and its claim done. */
  settleReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<void>;
  /** Gives a claimed stage back after its posts failed, so the retried job sends them. */
  releaseReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<void>;
  /** Claims posting the end-of-chat prompt; false when it is posted or being posted (a dead poster's claim is taken over after its lease). */
  claimEndPrompt(orgId: string, conversationId: string, now: Date): Promise<boolean>;
  settleEndPrompt(orgId: string, conversationId: string, ts: string | null, now: Date): Promise<void>;
  /** Join: the first rep to claim the chat gets it; false (and nothing changes) for the others. */
  claimChat(orgId: string, conversationId: string, by: ChatClaimer, now: Date): Promise<boolean>;
  /** Who claimed the chat (from the claim itself, so it is known as soon as the claim is). */
  chatClaim(orgId: string, conversationId: string): Promise<ChatClaimer | null>;
  /** Writes the claimer onto the record: what `claimChat` does after winning, for a job retried in between. */
  settleClaim(orgId: string, conversationId: string, by: ChatClaimer, now: Date): Promise<void>;
  /**
   * Claims the right to post a one-off notice (`key`, e.g. a booked meeting's id) in the thread, so
   * a retried job does not post it twice: 'done' once settled, 'busy' while another job holds it
   * (a holder that died is taken over after the claim's lease); released when the post failed.
   */
  claimNotice(orgId: string, conversationId: string, key: string, now: Date): Promise<ClaimResult>;
  settleNotice(orgId: string, conversationId: string, key: string, now: Date): Promise<void>;
  releaseNotice(orgId: string, conversationId: string, key: string): Promise<void>;
}

export function createConversationClaimsRepository(storage: ConversationStorage): ConversationClaimsRepository {
  const { claims, claimId, set, claimOnce, claimedBy } = storage;
  const reminderStages = leaseFor(claims, ([orgId, conversationId, stage]: [string, string, number]) => claimId(orgId, conversationId, `reminder:${stage}`));
  const endPrompts = leaseFor(claims, ([orgId, conversationId]: [string, string]) => claimId(orgId, conversationId, 'end-prompt'));
  const notices = leaseFor(claims, ([orgId, conversationId, key]: [string, string, string]) => claimId(orgId, conversationId, `notice:${key}`));

  return {
    async markAnswered(orgId, conversationId, by, now) {
      if (!(await claimOnce(orgId, conversationId, 'answered', now, { by }))) return false;
      await set(orgId, conversationId, { answeredBy: { agentId: by.agentId, name: by.name } }, now);
      return true;
    },
    async firstAnswer(orgId, conversationId) {
      return ((await claimedBy(orgId, conversationId, 'answered')) as FirstAnswer | undefined) ?? null;
    },
    async settleAnswer(orgId, conversationId, by, now) {
      await set(orgId, conversationId, { answeredBy: { agentId: by.agentId, name: by.name } }, now);
    },
    async claimReminderStage(orgId, conversationId, stage, now) {
      return (await reminderStages.claim([orgId, conversationId, stage], now)) === 'claimed';
    },
    async settleReminderStage(orgId, conversationId, stage, now) {
      await set(orgId, conversationId, { reminderStage: stage }, now);
      await reminderStages.settle([orgId, conversationId, stage], now);
    },
    async releaseReminderStage(orgId, conversationId, stage) {
      await reminderStages.release([orgId, conversationId, stage]);
    },
    async claimEndPrompt(orgId, conversationId, now) {
      if ((await endPrompts.claim([orgId, conversationId], now)) !== 'claimed') return false;
      await set(orgId, conversationId, { endPrompt: { state: 'posting' } }, now);
      return true;
    },
    async settleEndPrompt(orgId, conversationId, ts, now) {
      // null gives the claim back (the post failed); a ts records the prompt.
      if (!ts) await endPrompts.release([orgId, conversationId]);
      await set(orgId, conversationId, { endPrompt: ts ? { state: 'posted', ts } : null }, now);
      if (ts) await endPrompts.settle([orgId, conversationId], now);
    },
    async claimChat(orgId, conversationId, by, now) {
      if (!(await claimOnce(orgId, conversationId, 'claimed', now, { by }))) return false;
      await set(orgId, conversationId, { claimedBy: by }, now);
      return true;
    },
    async chatClaim(orgId, conversationId) {
      return ((await claimedBy(orgId, conversationId, 'claimed')) as ChatClaimer | undefined) ?? null;
    },
    async settleClaim(orgId, conversationId, by, now) {
      await set(orgId, conversationId, { claimedBy: by }, now);
    },
    async claimNotice(orgId, conversationId, key, now) {
      return notices.claim([orgId, conversationId, key], now);
    },
    async settleNotice(orgId, conversationId, key, now) {
      await notices.settle([orgId, conversationId, key], now);
    },
    async releaseNotice(orgId, conversationId, key) {
      await notices.release([orgId, conversationId, key]);
    },
  };
}
