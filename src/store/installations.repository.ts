// Slack installations: one per org, and one org per installation. An installation is either one
// workspace's (keyed by its T… id) or, on Enterprise Grid, an org-wide one (keyed by the Grid
// organization's E… id, as bolt-js keys an org-wide install by its enterprise id): its one token
// acts in every workspace the organization's admins have granted it (`workspaces`). Tokens are sealed with
// the TokenCipher, bound to their workspace, before they are written and opened only when a
// caller asks for the token (and resealed then if due: token-reseal.ts).
import type { Db } from 'mongodb';
import type { TokenCipher, TokenKind } from '../crypto/token-cipher.ts';
import { openInstallationToken } from './token-reseal.ts';
import { retireMappingsOutside } from './agent-mappings.repository.ts';

/** A workspace the installation's token may act in: the workspace itself, or one granted to an org-wide install. */
export interface InstalledWorkspace {
  id: string;
  name: string;
}

export interface Installation {
  /**
   * The Slack id the installation is keyed by, and that jobs, tenants, the directory and mappings
   * name it by: the workspace's T… id, or for an org-wide install (`kind: 'enterprise'`) the Grid
   * organization's E… id.
   */
  teamId: string;
  /** The workspace's name, or the Grid organization's for an org-wide install. */
  teamName: string;
  /** The Grid organization the workspace belongs to (null outside Enterprise Grid); for an org-wide install, `teamId`. */
  enterpriseId: string | null;
  /** 'workspace': installed on one workspace; 'enterprise': installed org-wide on an Enterprise Grid organization. */
  kind: 'workspace' | 'enterprise';
  /**
   * The workspaces the token acts in: for a workspace install, that workspace; for an org-wide
   * install, the ones the organization's admins added the app to (team_access_granted /
   * team_access_revoked, auth.teams.list), possibly none yet.
   */
  workspaces: InstalledWorkspace[];
  orgId: string;
  appId: string;
  botUserId: string;
  scopes: string[];
  installerUserId: string | null;
  status: 'active' | 'disconnected';
  /**
   * Why a disconnected installation is: 'tokens_revoked', 'app_uninstalled',
   * 'token_refresh_failed:<Slack's code>', 'disconnected_by_admin'; null while active.
   */
  disconnectReason: string | null;
  installedAt: Date;
  updatedAt: Date;
}

interface InstallationDocument extends Omit<Installation, 'teamId' | 'disconnectReason' | 'kind' | 'workspaces'> {
  /** Absent on installations stored before org-wide installs: 'workspace'. */
  kind?: Installation['kind'];
  /** Absent on installations stored before org-wide installs: the workspace itself. */
  workspaces?: InstalledWorkspace[];
  _id: string; // the Slack team id
  botTokenSealed: string;
  refreshTokenSealed: string | null;
  tokenExpiresAt: Date | null;
  disconnectReason?: string;
  /** When the last install (or reinstall) of this workspace completed. */
  connectedAt?: Date;
}

export interface SaveInstallationInput extends Omit<Installation, 'status' | 'disconnectReason' | 'installedAt' | 'updatedAt' | 'kind' | 'workspaces'> {
  /** Default 'workspace'. */
  kind?: Installation['kind'];
  /** Default: for a workspace install, the workspace itself; for an org-wide one, none (granted later). */
  workspaces?: InstalledWorkspace[];
  botToken: string;
  refreshToken: string | null;
  tokenExpiresAt: Date | null;
}

export interface InstallationTokens {
  /** The org the workspace is installed for: a token is handed out for that org's work only. */
  orgId: string;
  botToken: string;
  /** Set only when the app has token rotation turned on. */
  refreshToken: string | null;
  expiresAt: Date | null;
}

export type SaveInstallationResult =
  | { ok: true }
  | { ok: false; reason: 'workspace_taken' | 'org_has_other_workspace'; otherId: string }
  /**
   * Another org's install overlaps this one within its Grid organization (org-wide against one of
   * its workspaces, or the reverse). Unlike a taken workspace, whose reinstall hands back the
   * holder's own token, the install Slack just made is an installation of its own: left live, Slack
   * could deliver the workspace's events to it instead of the holder's (authorizations[0] names
   * one installation), so its token must be given back.
   */
  | { ok: false; reason: 'overlaps_other_org'; otherId: string };

export interface InstallationsRepository {
  save(input: SaveInstallationInput, now: Date): Promise<SaveInstallationResult>;
  findByTeam(teamId: string): Promise<Installation | null>;
  findByOrg(orgId: string): Promise<Installation | null>;
  /**
   * The workspace removed the app or revoked its tokens, or an admin disconnected it: keep
   * settings, stop sending. `happenedAt` (an event's time) leaves a connection made after it
   * alone, so a late event cannot undo a reconnect.
   */
  markDisconnected(teamId: string, reason: string, now: Date, happenedAt?: Date): Promise<void>;
  /**
   * The decrypted bot token of the workspace's active installation, only when it is installed for
   * `orgId` (so an org's work can never post into a workspace that has moved to another org); null
   * otherwise. `null` for `orgId` is for the workspace's own upkeep (its directory), which is no
   * org's data.
   */
  botToken(teamId: string, orgId: string | null): Promise<string | null>;
  /** The tokens of an active installation (decrypted): for rotating the bot token. */
  tokens(teamId: string): Promise<InstallationTokens | null>;
  /** Stores a rotated bot token (and the refresh token Slack returned with it). */
  saveRotatedTokens(teamId: string, tokens: Omit<InstallationTokens, 'orgId'> & { expiresAt: Date }, now: Date): Promise<void>;
  /** Workspaces with an active installation (for periodic work such as directory resyncs). */
  activeTeamIds(): Promise<string[]>;
  /**
   * The workspaces an org-wide install may act in now (auth.teams.list after a grant or a
   * revocation). A workspace install is left as it is (it is its one workspace); false when there
   * is no such org-wide installation.
   */
  setWorkspaces(teamId: string, workspaces: InstalledWorkspace[], now: Date): Promise<boolean>;
}

export function createInstallationsRepository(db: Db, cipher: TokenCipher): InstallationsRepository {
  const collection = db.collection<InstallationDocument>('installations');

  const replaced = db.collection<InstallationDocument & { replacedAt: Date }>('installations_replaced');

  function toInstallation(doc: InstallationDocument): Installation {
    const { _id, botTokenSealed: _b, refreshTokenSealed: _r, tokenExpiresAt: _t, disconnectReason, connectedAt: _c, kind, workspaces, ...rest } = doc;
    // A reconnect leaves the last reason stored: it says why only while the installation is disconnected.
    return {
      teamId: _id,
      ...rest,
      kind: kind ?? 'workspace',
      workspaces: workspaces ?? (kind === 'enterprise' ? [] : [{ id: _id, name: rest.teamName }]),
      disconnectReason: rest.status === 'disconnected' ? (disconnectReason ?? null) : null,
    };
  }

  const opened = (teamId: string, kind: TokenKind, sealed: string) => openInstallationToken(db, cipher, teamId, kind, sealed);

  /** Moves a disconnected installation out of the way (its tokens are revoked already). */
  async function retire(doc: InstallationDocument, now: Date): Promise<void> {
    const { _id, ...rest } = doc;
    await replaced.insertOne({ ...rest, _id: `${_id}@${now.toISOString()}`, replacedAt: now });
    await collection.deleteOne({ _id, status: 'disconnected' });
  }

  /** Whether another org has an active install that overlaps this one within its Grid organization. */
  async function otherOrgInSameEnterprise(input: SaveInstallationInput): Promise<boolean> {
    const otherOrg = { orgId: { $ne: input.orgId }, status: 'active' as const };
    if (input.kind === 'enterprise') return (await collection.countDocuments({ enterpriseId: input.teamId, ...otherOrg }, { limit: 1 })) > 0;
    if (!input.enterpriseId) return false;
    return (await collection.countDocuments({ _id: input.enterpriseId, kind: 'enterprise', ...otherOrg }, { limit: 1 })) > 0;
  }

  return {
    async save(input, now) {
      const existingForTeam = await collection.findOne({ _id: input.teamId });
      // A disconnected connection blocks nobody: its workspace may go to another org, and its
      // org may connect another workspace (a wrong one replaced). Settings live by org, so
      // they stay; the replaced installation is kept in installations_replaced for support.
      if (existingForTeam && existingForTeam.orgId !== input.orgId) {
        if (existingForTeam.status === 'active') return { ok: false, reason: 'workspace_taken', otherId: existingForTeam.orgId };
        await retire(existingForTeam, now);
      }
      // Within an Enterprise Grid organization, an org-wide install and a workspace install of
      // one of its workspaces would both act in that workspace (and both hear its events): while
      // one org has either, another org gets neither.
      if (await otherOrgInSameEnterprise(input)) return { ok: false, reason: 'overlaps_other_org', otherId: 'enterprise' };
      const existingForOrg = await collection.findOne({ orgId: input.orgId });
      if (existingForOrg && existingForOrg._id !== input.teamId) {
        if (existingForOrg.status === 'active') return { ok: false, reason: 'org_has_other_workspace', otherId: existingForOrg._id };
        await retire(existingForOrg, now);
      }
      const { teamId, botToken, refreshToken, kind = 'workspace', workspaces, ...fields } = input;
      // An org-wide reinstall keeps the workspaces it was granted (Slack keeps them too) until the
      // worker reads them again (auth.teams.list); a first one has none yet.
      const given = workspaces ?? (kind === 'enterprise' ? null : [{ id: teamId, name: input.teamName }]);
      try {
        await collection.updateOne(
          { _id: teamId, orgId: input.orgId },
          {
            $set: {
              ...fields,
              kind,
              ...(given ? { workspaces: given } : {}),
              status: 'active',
              botTokenSealed: cipher.seal(botToken, { teamId, kind: 'bot' }),
              refreshTokenSealed: refreshToken ? cipher.seal(refreshToken, { teamId, kind: 'refresh' }) : null,
              connectedAt: now,
              updatedAt: now,
            },
            $setOnInsert: { installedAt: now, ...(given ? {} : { workspaces: [] }) },
          },
          { upsert: true },
        );
      } catch (error) {
        // Two orgs racing for one workspace (or one org for two): the unique indexes decide.
        if ((error as { code?: number }).code === 11000) {
          return { ok: false, reason: 'workspace_taken', otherId: 'unknown' };
        }
        throw error;
      }
      // The workspace now serves this org alone: the mappings that tied it (or the org) elsewhere are retired.
      await retireMappingsOutside(db, input.orgId, teamId, now);
      return { ok: true };
    },
    async findByTeam(teamId) {
      const doc = await collection.findOne({ _id: teamId });
      return doc ? toInstallation(doc) : null;
    },
    async findByOrg(orgId) {
      const doc = await collection.findOne({ orgId });
      return doc ? toInstallation(doc) : null;
    },
    async markDisconnected(teamId, reason, now, happenedAt) {
      const notReconnectedSince = happenedAt ? { $or: [{ connectedAt: { $exists: false } }, { connectedAt: { $lte: happenedAt } }] } : {};
      await collection.updateOne({ _id: teamId, ...notReconnectedSince }, { $set: { status: 'disconnected', disconnectReason: reason, updatedAt: now } });
    },
    async botToken(teamId, orgId) {
      const doc = await collection.findOne({ _id: teamId, status: 'active', ...(orgId === null ? {} : { orgId }) }, { projection: { botTokenSealed: 1 } });
      return doc ? opened(teamId, 'bot', doc.botTokenSealed) : null;
    },
    async tokens(teamId) {
      const doc = await collection.findOne(
        { _id: teamId, status: 'active' },
        { projection: { orgId: 1, botTokenSealed: 1, refreshTokenSealed: 1, tokenExpiresAt: 1 } },
      );
      if (!doc) return null;
      return {
        orgId: doc.orgId,
        botToken: await opened(teamId, 'bot', doc.botTokenSealed),
        refreshToken: doc.refreshTokenSealed ? await opened(teamId, 'refresh', doc.refreshTokenSealed) : null,
        expiresAt: doc.tokenExpiresAt ?? null,
      };
    },
    async saveRotatedTokens(teamId, tokens, now) {
      await collection.updateOne(
        { _id: teamId, status: 'active' },
        {
          $set: {
            botTokenSealed: cipher.seal(tokens.botToken, { teamId, kind: 'bot' }),
            refreshTokenSealed: tokens.refreshToken ? cipher.seal(tokens.refreshToken, { teamId, kind: 'refresh' }) : null,
            tokenExpiresAt: tokens.expiresAt,
            updatedAt: now,
          },
        },
      );
    },
    async setWorkspaces(teamId, workspaces, now) {
      const result = await collection.updateOne({ _id: teamId, kind: 'enterprise' }, { $set: { workspaces, updatedAt: now } });
      return result.matchedCount > 0;
    },
    async activeTeamIds() {
      const docs = await collection.find({ status: 'active' }, { projection: { _id: 1 } }).toArray();
      return docs.map((d) => d._id);
    },
  };
}
