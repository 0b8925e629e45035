// The store: MongoDB repositories, one per collection family, created together from one Db.
import type { Db } from 'mongodb';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import { createInstallationsRepository, type InstallationsRepository } from './installations.repository.ts';
import { createOrgSettingsRepository, type OrgSettingsRepository } from './org-settings.repository.ts';
import { createAgentMappingsRepository, type AgentMappingsRepository } from './agent-mappings.repository.ts';
import { createConversationsRepository, type ConversationsRepository } from './conversations.repository.ts';
import { createThreadMessagesRepository, type ThreadMessagesRepository } from './thread-messages.repository.ts';
import { createRelayedRepliesRepository, type RelayedRepliesRepository } from './relayed-replies.repository.ts';
import { createPlatformDirectoryRepository, type PlatformDirectoryRepository } from './platform-directory.repository.ts';
import { createSlackRoutingRepository, type SlackRoutingRepository } from './slack-routing.repository.ts';
import { createSlackDirectoryRepository, type SlackDirectoryRepository } from './slack-directory.repository.ts';
import { createAdminChangesRepository, type AdminChangesRepository } from './admin-changes.repository.ts';
import { createOrgProblemsRepository, type OrgProblemsRepository } from './org-problems.repository.ts';
import { createOrgActivityRepository, type OrgActivityRepository } from './org-activity.repository.ts';
import { createDigestClaimsRepository, type DigestClaimsRepository } from './digest-claims.repository.ts';
import { createChatActivityRepository, type ChatActivityRepository } from './chat-activity.repository.ts';

export { connectMongo, ensureIndexes, isStoreUnavailable, storeTimeouts, type ConnectOptions, type Mongo, type StoreTimeouts } from './mongo.ts';
export { migrateLegacyKeys } from './legacy-keys.migration.ts';
export { recordClaimedThreads } from './thread-claims.migration.ts';
export { resealInstallationTokens, logResealReport, type ResealReport } from './token-reseal.ts';
export type * from './installations.repository.ts';
export type * from './org-settings.repository.ts';
export type * from './agent-mappings.repository.ts';
export type * from './conversation-records.ts';
export type * from './conversations.repository.ts';
export type * from './thread-messages.repository.ts';
export type * from './relayed-replies.repository.ts';
export type * from './platform-directory.repository.ts';
export type * from './slack-routing.repository.ts';
export type * from './slack-directory.repository.ts';
export type * from './digest-claims.repository.ts';
export type * from './chat-activity.repository.ts';
export { ORG_PROBLEM_KINDS, type OrgProblem, type OrgProblemKey, type OrgProblemKind, type OrgProblemsRepository } from './org-problems.repository.ts';
export type { OrgActivity, OrgActivityRepository } from './org-activity.repository.ts';
export { ADMIN_CHANGE_SECTIONS, type AdminActor, type AdminChange, type AdminChangeSection, type AdminChangesRepository } from './admin-changes.repository.ts';

export interface Store {
  installations: InstallationsRepository;
  orgSettings: OrgSettingsRepository;
  agentMappings: AgentMappingsRepository;
  conversations: ConversationsRepository;
  threadMessages: ThreadMessagesRepository;
  relayedReplies: RelayedRepliesRepository;
  platformDirectory: PlatformDirectoryRepository;
  slackRouting: SlackRoutingRepository;
  slackDirectory: SlackDirectoryRepository;
  adminChanges: AdminChangesRepository;
  orgProblems: OrgProblemsRepository;
  orgActivity: OrgActivityRepository;
  digestClaims: DigestClaimsRepository;
  chatActivity: ChatActivityRepository;
}

export function createStore(db: Db, cipher: TokenCipher): Store {
  return {
    installations: createInstallationsRepository(db, cipher),
    orgSettings: createOrgSettingsRepository(db),
    agentMappings: createAgentMappingsRepository(db),
    conversations: createConversationsRepository(db),
    threadMessages: createThreadMessagesRepository(db),
    relayedReplies: createRelayedRepliesRepository(db),
    platformDirectory: createPlatformDirectoryRepository(db),
    slackRouting: createSlackRoutingRepository(db),
    slackDirectory: createSlackDirectoryRepository(db),
    adminChanges: createAdminChangesRepository(db),
    orgProblems: createOrgProblemsRepository(db),
    orgActivity: createOrgActivityRepository(db),
    digestClaims: createDigestClaimsRepository(db),
    chatActivity: createChatActivityRepository(db),
  };
}
