// Slack tokens at rest are bound to their workspace and follow the key rotation: a sealed token
// copied to another installation's row does not open; one sealed with an older key, or in the
// unbound form of earlier releases, keeps working and is resealed with the newest key (when it is
// read, or by the sweep the processes run at start), never over a token rotated meanwhile.
import { createCipheriv, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createTokenCipher, tokenKeyId } from '../../src/crypto/token-cipher.ts';
import { logResealReport, openInstallationToken, resealInstallationTokens } from '../../src/store/token-reseal.ts';
import { createLogger } from '../../src/logger.ts';
import { SealedTokenError } from '../../src/errors/index.ts';
import { installationInput } from '../support/installation-input.ts';

const t = useTestStore('token_sealing');
const OLD = Buffer.alloc(32, 0x01);
const NEW = Buffer.alloc(32, 0x02);
const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s));
const input = (orgId: string, teamId: string, refreshToken: string | null = null) =>
  installationInput(orgId, teamId, { refreshToken, tokenExpiresAt: refreshToken ? at(3600) : null });

interface SealedRow {
  _id: string;
  botTokenSealed: string;
  refreshTokenSealed: string | null;
}
const rows = () => t.mongo.db.collection<SealedRow>('installations');
const sealedOf = async (teamId: string) => (await rows().findOne({ _id: teamId }))!;
const storeWith = (...keys: Buffer[]): Store => createStore(t.mongo.db, createTokenCipher(keys));
const keyIdOf = (sealed: string | null) => sealed?.split('.').slice(0, 2).join('.');

/** A value as releases before the binding sealed it: "v1.<iv>.<tag>.<ciphertext>", bound to nothing. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

describe("a sealed token opens only in its own workspace's row", () => {
  it("the bot token copied from another workspace's row does not open, and the error names neither token nor value", async () => {
    const store = storeWith(NEW);
    await store.installations.save(input('org_copy_a', 'TCOPYA'), at(0));
    await store.installations.save(input('org_copy_b', 'TCOPYB'), at(0));
    const stolen = (await sealedOf('TCOPYA')).botTokenSealed;
    await rows().updateOne({ _id: 'TCOPYB' }, { $set: { botTokenSealed: stolen } });

    const error = await store.installations.botToken('TCOPYB', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealedTokenError);
    expect(error).toMatchObject({ reason: 'not_for_this_workspace', teamId: 'TCOPYB' });
    expect((error as Error).message).not.toContain(stolen);
    expect((error as Error).message).not.toContain('xoxb-');
    await expect(store.installations.tokens('TCOPYB')).rejects.toBeInstanceOf(SealedTokenError);
    // The row it came from still opens, and the copy was not rewritten.
    expect(await store.installations.botToken('TCOPYA', null)).toBe('xoxb-TCOPYA');
    expect((await sealedOf('TCOPYB')).botTokenSealed).toBe(stolen);
  });

  it('a legacy unbound token copied from another row no longer opens once its own row was resealed', async () => {
    const store = storeWith(NEW);
    await store.installations.save(input('org_legacy_copy', 'TLCOPY'), at(0));
    const legacy = sealV1(NEW, 'xoxb-TLCOPY');
    await rows().updateOne({ _id: 'TLCOPY' }, { $set: { botTokenSealed: legacy } });
    expect(await store.installations.botToken('TLCOPY', null)).toBe('xoxb-TLCOPY');
    const bound = (await sealedOf('TLCOPY')).botTokenSealed;
    await store.installations.save(input('org_legacy_other', 'TLOTHER'), at(0));
    await rows().updateOne({ _id: 'TLOTHER' }, { $set: { botTokenSealed: bound } });
    await expect(store.installations.botToken('TLOTHER', null)).rejects.toMatchObject({ reason: 'not_for_this_workspace' });
  });
});

describe('key rotation', () => {
  it('a row sealed with the old key opens with [new, old] and is resealed with the new one on use; then [new] alone opens it', async () => {
    await storeWith(OLD).installations.save(input('org_rot', 'TROT', 'xoxe-1-TROT'), at(0));
    expect(keyIdOf((await sealedOf('TROT')).botTokenSealed)).toBe(`v2.${tokenKeyId(OLD)}`);

    const rotated = storeWith(NEW, OLD);
    expect(await rotated.installations.botToken('TROT', null)).toBe('xoxb-TROT');
    const afterBot = await sealedOf('TROT');
    expect(keyIdOf(afterBot.botTokenSealed)).toBe(`v2.${tokenKeyId(NEW)}`);
    // Only what was read is resealed: the refresh token waits for its own use.
    expect(keyIdOf(afterBot.refreshTokenSealed)).toBe(`v2.${tokenKeyId(OLD)}`);

    expect(await rotated.installations.tokens('TROT')).toEqual({ orgId: 'org_rot', botToken: 'xoxb-TROT', refreshToken: 'xoxe-1-TROT', expiresAt: at(3600) });
    const afterBoth = await sealedOf('TROT');
    expect(keyIdOf(afterBoth.refreshTokenSealed)).toBe(`v2.${tokenKeyId(NEW)}`);
    // Resealed once: reading again writes nothing.
    expect(afterBoth.botTokenSealed).toBe(afterBot.botTokenSealed);
    await rotated.installations.botToken('TROT', null);
    expect((await sealedOf('TROT')).botTokenSealed).toBe(afterBoth.botTokenSealed);

    expect(await storeWith(NEW).installations.tokens('TROT')).toEqual({
      orgId: 'org_rot',
      botToken: 'xoxb-TROT',
      refreshToken: 'xoxe-1-TROT',
      expiresAt: at(3600),
    });
  });

  it('with the old key removed too early, the token fails with the key named, and the row is left as it is', async () => {
    await storeWith(OLD).installations.save(input('org_early', 'TEARLY'), at(0));
    const before = await sealedOf('TEARLY');
    await expect(storeWith(NEW).installations.botToken('TEARLY', null)).rejects.toMatchObject({
      reason: 'unknown_key',
      message: expect.stringContaining(`sealed with key ${tokenKeyId(OLD)}, which is not in TOKEN_ENCRYPTION_KEYS`),
    });
    expect(await sealedOf('TEARLY')).toEqual(before);
  });

  it('a reseal never overwrites a token rotated meanwhile (the write is conditional on the value read)', async () => {
    await storeWith(OLD).installations.save(input('org_race', 'TRACE', 'xoxe-1-old'), at(0));
    const staleRead = (await sealedOf('TRACE')).botTokenSealed;
    const rotated = storeWith(NEW, OLD);
    // Another process rotates the token between this process's read and its reseal.
    await rotated.installations.saveRotatedTokens('TRACE', { botToken: 'xoxb-rotated', refreshToken: 'xoxe-1-new', expiresAt: at(7200) }, at(1));
    const cipher = createTokenCipher([NEW, OLD]);
    expect(await openInstallationToken(t.mongo.db, cipher, 'TRACE', 'bot', staleRead)).toBe('xoxb-TRACE');
    expect(await rotated.installations.botToken('TRACE', null)).toBe('xoxb-rotated');
  });
});

describe('rows sealed by earlier releases (unbound v1)', () => {
  it('keep working and are resealed, bound, with the newest key on use', async () => {
    const store = storeWith(NEW, OLD);
    await store.installations.save(input('org_v1', 'TV1', 'xoxe-1-TV1'), at(0));
    await rows().updateOne({ _id: 'TV1' }, { $set: { botTokenSealed: sealV1(OLD, 'xoxb-TV1'), refreshTokenSealed: sealV1(OLD, 'xoxe-1-TV1') } });

    expect(await store.installations.tokens('TV1')).toEqual({ orgId: 'org_v1', botToken: 'xoxb-TV1', refreshToken: 'xoxe-1-TV1', expiresAt: at(3600) });
    const after = await sealedOf('TV1');
    expect(keyIdOf(after.botTokenSealed)).toBe(`v2.${tokenKeyId(NEW)}`);
    expect(keyIdOf(after.refreshTokenSealed)).toBe(`v2.${tokenKeyId(NEW)}`);
    expect(await storeWith(NEW).installations.botToken('TV1', null)).toBe('xoxb-TV1');
  });

  it('a retired row keeps its sealed values as they were (nothing opens them)', async () => {
    const store = storeWith(NEW);
    await store.installations.save(input('org_retire', 'TRETIRE'), at(0));
    const legacy = sealV1(NEW, 'xoxb-TRETIRE');
    await rows().updateOne({ _id: 'TRETIRE' }, { $set: { botTokenSealed: legacy } });
    await store.installations.markDisconnected('TRETIRE', 'tokens_revoked', at(1));
    await store.installations.save(input('org_retire_next', 'TRETIRE'), at(2));
    const retired = await t.mongo.db.collection<SealedRow>('installations_replaced').findOne({ _id: { $regex: '^TRETIRE@' } });
    expect(retired?.botTokenSealed).toBe(legacy);
    expect(await store.installations.botToken('TRETIRE', null)).toBe('xoxb-TRETIRE');
  });
});

describe('the sweep at start (resealInstallationTokens)', () => {
  it('reseals every due token, disconnected rows too, reports those that do not open by workspace, and finds nothing the second time', async () => {
    const db = t.mongo.db;
    // Alone in the collection: the rows the tests above left would count too.
    await db.collection('installations').deleteMany({});
    const old = storeWith(OLD);
    await old.installations.save(input('org_s1', 'TS1', 'xoxe-1-TS1'), at(0));
    await old.installations.save(input('org_s2', 'TS2'), at(0));
    await old.installations.markDisconnected('TS2', 'disconnected by an admin', at(1));
    await old.installations.save(input('org_s3', 'TS3'), at(0));
    await rows().updateOne({ _id: 'TS3' }, { $set: { botTokenSealed: sealV1(OLD, 'xoxb-TS3') } });
    await storeWith(NEW).installations.save(input('org_s4', 'TS4'), at(0));
    await old.installations.save(input('org_s5', 'TS5'), at(0));
    const copied = (await sealedOf('TS1')).botTokenSealed;
    await rows().updateOne({ _id: 'TS5' }, { $set: { botTokenSealed: copied } });

    const cipher = createTokenCipher([NEW, OLD]);
    const report = await resealInstallationTokens(db, cipher);
    expect(report).toEqual({
      keyId: tokenKeyId(NEW),
      resealed: 4,
      changedMeanwhile: 0,
      notOpened: [{ teamId: 'TS5', kind: 'bot', reason: 'not_for_this_workspace' }],
    });
    expect(JSON.stringify(report)).not.toContain(copied);

    for (const teamId of ['TS1', 'TS2', 'TS3', 'TS4']) {
      const row = await sealedOf(teamId);
      expect(keyIdOf(row.botTokenSealed), teamId).toBe(`v2.${tokenKeyId(NEW)}`);
    }
    expect(keyIdOf((await sealedOf('TS1')).refreshTokenSealed)).toBe(`v2.${tokenKeyId(NEW)}`);
    expect((await sealedOf('TS5')).botTokenSealed).toBe(copied);
    const newOnly = storeWith(NEW);
    expect(await newOnly.installations.tokens('TS1')).toMatchObject({ botToken: 'xoxb-TS1', refreshToken: 'xoxe-1-TS1' });
    expect(await newOnly.installations.botToken('TS3', null)).toBe('xoxb-TS3');

    expect(await resealInstallationTokens(db, cipher)).toEqual({
      keyId: tokenKeyId(NEW),
      resealed: 0,
      changedMeanwhile: 0,
      notOpened: [{ teamId: 'TS5', kind: 'bot', reason: 'not_for_this_workspace' }],
    });
  });

  it('the start-up line says when every token is sealed with the newest key, and otherwise names workspaces and key ids, never a token or sealed value', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      name: 'test',
      destination: new Writable({
        write: (chunk, _e, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const db = t.mongo.db;
    await db.collection('installations').deleteMany({});
    await storeWith(NEW).installations.save(input('org_log', 'TLOG'), at(0));
    logResealReport(logger, await resealInstallationTokens(db, createTokenCipher([NEW, OLD])));
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      level: 30,
      tokenKeyId: tokenKeyId(NEW),
      resealed: 0,
      msg: 'store: every Slack token is sealed with the newest key',
    });

    await storeWith(OLD).installations.save(input('org_log_old', 'TLOGOLD'), at(0));
    const sealed = (await sealedOf('TLOGOLD')).botTokenSealed;
    logResealReport(logger, await resealInstallationTokens(db, createTokenCipher(NEW)));
    const warning = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(warning).toMatchObject({ level: 40, notOpenedCount: 1, notOpened: [{ teamId: 'TLOGOLD', kind: 'bot', reason: 'unknown_key' }] });
    for (const secret of [sealed, 'xoxb-TLOGOLD', 'xoxb-TLOG', OLD.toString('hex'), NEW.toString('hex'), OLD.toString('base64')])
      expect(lines.join('')).not.toContain(secret);
  });
});
