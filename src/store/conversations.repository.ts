// Conversations as Threadbridge tracks them: the platform's snapshot, where the conversation's
// Slack thread lives, how far it got (answered, assigned, ended, rated, reminded), and the
// reverse lookup from a Slack thread to its conversation. What a record holds is in
// conversation-records.ts; how it is kept is in three parts, composed here:
// chat-facts.repository.ts (the snapshot, status and fields), conversation-threads.repository.ts
// (the primary thread, mirrors, planned threads, the reverse lookup) and
// conversation-claims.repository.ts (first answer, chat claim, reminder stages, end prompt,
// notices), over the layout in conversation-storage.ts.
//
// Stored as one document per fact (`conversation_facts`, _id compoundKey(org, conversation, field))
// rather than one document per conversation: many jobs write different facts of one
// conversation at once, and FerretDB (the test server) applies concurrent updates of one
// document as read-modify-write, losing all but one (FerretDB issue #3040). "Only the first
// wins" transitions (the first answer, a reminder stage, the end prompt) are claims made by
// inserting a unique _id (`conversation_claims`), which both servers enforce atomically; the
// thread is claimed the same way by inserting its own fact (conversation-threads.repository.ts).
import type { Db } from 'mongodb';
import { createConversationStorage } from './conversation-storage.ts';
import { createChatFactsRepository, type ChatFactsRepository } from './chat-facts.repository.ts';
import { createConversationThreadsRepository, type ConversationThreadsRepository } from './conversation-threads.repository.ts';
import { createConversationClaimsRepository, type ConversationClaimsRepository } from './conversation-claims.repository.ts';

export type { ClaimResult } from './lease-claims.ts';
export type { ChatFactsRepository } from './chat-facts.repository.ts';
export type { ConversationThreadsRepository } from './conversation-threads.repository.ts';
export type { ConversationClaimsRepository } from './conversation-claims.repository.ts';
export { conversationKey } from './conversation-storage.ts';

export interface ConversationsRepository extends ChatFactsRepository, ConversationThreadsRepository, ConversationClaimsRepository {}

export function createConversationsRepository(db: Db): ConversationsRepository {
  const storage = createConversationStorage(db);
  return {
    ...createChatFactsRepository(storage),
    ...createConversationThreadsRepository(db, storage),
    ...createConversationClaimsRepository(storage),
  };
}
