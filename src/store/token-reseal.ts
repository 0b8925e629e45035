// Reseals every installation's Slack tokens that are in the unbound v1 form or under an older key
// with the newest key, bound to their workspace. Run by the web and worker processes at start, so
// that a key rotation (docs/reference/operations.md, "Rotating the token encryption key") and the upgrade to bound
// tokens finish with the deploy, disconnected and idle workspaces included, instead of waiting for
// each token's next use (which reseals too: installations.repository.ts).
//
// Safe beside other processes: each value is replaced only if the row still holds the value read,
// so a token saved or rotated meanwhile is never overwritten. Retired rows (installations_replaced)
// are left as they are: nothing opens them.
import type { Db, Filter } from 'mongodb';
import { SealedTokenError, type SealedTokenFailure } from '../errors/index.ts';
import type { TokenCipher, TokenKind } from '../crypto/token-cipher.ts';
import type { Logger } from '../logger.ts';

interface SealedFields {
  _id: string;
  botTokenSealed: string;
  refreshTokenSealed: string | null;
}

export interface ResealReport {
  /** The key every token is now sealed with. */
  keyId: string;
  /** Tokens sealed again with it. */
  resealed: number;
  /** Tokens due that another process saved or resealed between the read and the write. */
  changedMeanwhile: number;
  /** Tokens that did not open: their workspace and why (never the value). */
  notOpened: Array<{ teamId: string; kind: TokenKind; reason: SealedTokenFailure }>;
}

/**
 * Opens an installation's token; one sealed in the unbound form or with an older key is written
 * back sealed with the newest, only if the row still holds what was read, so a token saved or
 * rotated meanwhile is never overwritten with the old one. Throws SealedTokenError when it does
 * not open.
 */
export async function openInstallationToken(db: Db, cipher: TokenCipher, teamId: string, kind: TokenKind, sealed: string): Promise<string> {
  return (await openAndReseal(db, cipher, teamId, kind, sealed)).token;
}

async function openAndReseal(
  db: Db,
  cipher: TokenCipher,
  teamId: string,
  kind: TokenKind,
  sealed: string,
): Promise<{ token: string; resealDue: boolean; resealed: boolean }> {
  const { token, resealDue } = cipher.open(sealed, { teamId, kind });
  if (!resealDue) return { token, resealDue, resealed: false };
  const field = kind === 'bot' ? 'botTokenSealed' : 'refreshTokenSealed';
  const result = await db
    .collection<SealedFields>('installations')
    .updateOne({ _id: teamId, [field]: sealed } as Filter<SealedFields>, { $set: { [field]: cipher.seal(token, { teamId, kind }) } });
  return { token, resealDue, resealed: result.modifiedCount === 1 };
}

/** Every installation's tokens due for it resealed now (see the header). */
export async function resealInstallationTokens(db: Db, cipher: TokenCipher): Promise<ResealReport> {
  const report: ResealReport = { keyId: cipher.keyId, resealed: 0, changedMeanwhile: 0, notOpened: [] };
  const rows = db.collection<SealedFields>('installations').find({}, { projection: { botTokenSealed: 1, refreshTokenSealed: 1 } });
  for await (const row of rows) {
    const sealedByKind: Array<[TokenKind, string | null]> = [
      ['bot', row.botTokenSealed],
      ['refresh', row.refreshTokenSealed],
    ];
    for (const [kind, sealed] of sealedByKind) {
      if (!sealed) continue;
      try {
        const { resealDue, resealed } = await openAndReseal(db, cipher, row._id, kind, sealed);
        if (resealed) report.resealed++;
        else if (resealDue) report.changedMeanwhile++;
      } catch (error) {
        if (!(error instanceof SealedTokenError)) throw error;
        report.notOpened.push({ teamId: row._id, kind, reason: error.reason });
      }
    }
  }
  return report;
}

/** Workspaces named in one warning at most: enough to start from, without a line of megabytes. */
const NAMED_AT_MOST = 50;

/**
 * The line an operator waits for before removing an older key from TOKEN_ENCRYPTION_KEYS
 * (docs/reference/operations.md, "Rotating the token encryption key"). Names workspaces and key ids, never a value.
 */
export function logResealReport(logger: Logger, report: ResealReport): void {
  const { keyId, resealed, changedMeanwhile, notOpened } = report;
  if (notOpened.length === 0 && changedMeanwhile === 0) {
    logger.info({ tokenKeyId: keyId, resealed }, 'store: every Slack token is sealed with the newest key');
    return;
  }
  logger.warn(
    { tokenKeyId: keyId, resealed, changedMeanwhile, notOpenedCount: notOpened.length, notOpened: notOpened.slice(0, NAMED_AT_MOST) },
    'store: some Slack tokens are not sealed with the newest key: those changed meanwhile are resealed when next read; those that do not open need the key they name listed in TOKEN_ENCRYPTION_KEYS, or their workspace reinstalled',
  );
}
