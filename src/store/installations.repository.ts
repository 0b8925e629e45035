// Slack installations: one workspace per org and one org per workspace. Tokens are sealed with
// the TokenCipher before they are written and opened only when a caller asks for the token.
import type { Db } from 'mongodb';
import type { TokenCipher } from '../crypto/token-cipher.ts';

export interface Installation {
  teamId: string;
  teamName: string;
  enterpriseId: string | null;
  orgId: string;
  appId: string;
  botUserId: string;
  scopes: string[];
  installerUserId: string | null;
  status: 'active' | 'disconnected';
  installedAt: Date;
  updatedAt: Date;
}

interface InstallationDocument extends Omit<Installation, 'teamId'> {
  _id: string; // the Slack team id
  botTokenSealed: string;
  refreshTokenSealed: string | null;
  tokenExpiresAt: Date | null;
  disconnectReason?: string;
}

export interface SaveInstallationInput extends Omit<Installation, 'status' | 'installedAt' | 'updatedAt'> {
  botToken: string;
  refreshToken: string | null;
  tokenExpiresAt: Date | null;
}

export interface InstallationTokens {
  botToken: string;
  /** Set only when the app has token rotation turned on. */
  refreshToken: string | null;
  expiresAt: Date | null;
}

export type SaveInstallationResult = { ok: true } | { ok: false; reason: 'workspace_taken' | 'org_has_other_workspace'; otherId: string };

export interface InstallationsRepository {
  save(input: SaveInstallationInput, now: Date): Promise<SaveInstallationResult>;
  findByTeam(teamId: string): Promise<Installation | null>;
  findByOrg(orgId: string): Promise<Installation | null>;
  /** The workspace removed the app or revoked its tokens: keep settings, stop sending. */
  markDisconnected(teamId: string, reason: string, now: Date): Promise<void>;
  /** The decrypted bot token of an active installation, or null when there is none. */
  botToken(teamId: string): Promise<string | null>;
  /** The tokens of an active installation (decrypted): for rotating the bot token. */
  tokens(teamId: string): Promise<InstallationTokens | null>;
  /** Stores a rotated bot token (and the refresh token Slack returned with it). */
  saveRotatedTokens(teamId: string, tokens: InstallationTokens & { expiresAt: Date }, now: Date): Promise<void>;
  /** Workspaces with an active installation (for periodic work such as directory resyncs). */
  activeTeamIds(): Promise<string[]>;
}

export function createInstallationsRepository(db: Db, cipher: TokenCipher): InstallationsRepository {
  const collection = db.collection<InstallationDocument>('installations');

  function toInstallation(doc: InstallationDocument): Installation {
    const { _id, botTokenSealed: _b, refreshTokenSealed: _r, tokenExpiresAt: _t, disconnectReason: _d, ...rest } = doc;
    return { teamId: _id, ...rest };
  }

  return {
    async save(input, now) {
      const existingForTeam = await collection.findOne({ _id: input.teamId });
      if (existingForTeam && existingForTeam.orgId !== input.orgId) {
        return { ok: false, reason: 'workspace_taken', otherId: existingForTeam.orgId };
      }
      const existingForOrg = await collection.findOne({ orgId: input.orgId });
      if (existingForOrg && existingForOrg._id !== input.teamId) {
        return { ok: false, reason: 'org_has_other_workspace', otherId: existingForOrg._id };
      }
      const { teamId, botToken, refreshToken, ...fields } = input;
      try {
        await collection.updateOne(
          { _id: teamId, orgId: input.orgId },
          {
            $set: {
              ...fields,
              status: 'active',
              botTokenSealed: cipher.encrypt(botToken),
              refreshTokenSealed: refreshToken ? cipher.encrypt(refreshToken) : null,
              updatedAt: now,
            },
            $setOnInsert: { installedAt: now },
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
    async markDisconnected(teamId, reason, now) {
      await collection.updateOne({ _id: teamId }, { $set: { status: 'disconnected', disconnectReason: reason, updatedAt: now } });
    },
    async botToken(teamId) {
      const doc = await collection.findOne({ _id: teamId, status: 'active' }, { projection: { botTokenSealed: 1 } });
      return doc ? cipher.decrypt(doc.botTokenSealed) : null;
    },
    async tokens(teamId) {
      const doc = await collection.findOne({ _id: teamId, status: 'active' }, { projection: { botTokenSealed: 1, refreshTokenSealed: 1, tokenExpiresAt: 1 } });
      if (!doc) return null;
      return {
        botToken: cipher.decrypt(doc.botTokenSealed),
        refreshToken: doc.refreshTokenSealed ? cipher.decrypt(doc.refreshTokenSealed) : null,
        expiresAt: doc.tokenExpiresAt ?? null,
      };
    },
    async saveRotatedTokens(teamId, tokens, now) {
      await collection.updateOne(
        { _id: teamId, status: 'active' },
        { $set: { botTokenSealed: cipher.encrypt(tokens.botToken), refreshTokenSealed: tokens.refreshToken ? cipher.encrypt(tokens.refreshToken) : null, tokenExpiresAt: tokens.expiresAt, updatedAt: now } },
      );
    },
    async activeTeamIds() {
      const docs = await collection.find({ status: 'active' }, { projection: { _id: 1 } }).toArray();
      return docs.map((d) => d._id);
    },
  };
}
