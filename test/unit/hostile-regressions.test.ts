// Bugs the hostile-input test (test/jobs/hostile-input.redis.test.ts) found, each named for what broke.
import { describe, expect, it } from 'vitest';
import { classifySlackMessage, readSlackMessageEvent } from '../../src/routing/slack-message-classifier.ts';
import { directoryChangeOf } from '../../src/directory-sync/directory-events.ts';
import { toDirectoryChannel, toDirectoryUser } from '../../src/slack/slack-api.ts';

describe('hostile input, regressions', () => {
  it('a thread reply whose ts is an object was relayed and stored its keys (a.b) in MongoDB: now it is ignored', () => {
    const event = readSlackMessageEvent({ type: 'message', channel: 'C1', user: 'U1', thread_ts: '1.1', ts: { 'a.b': 1 }, text: 'hi' });
    expect(event).toEqual({ type: 'message', channel: 'C1', user: 'U1', thread_ts: '1.1', text: 'hi' });
    expect(classifySlackMessage(event, 'UBOT')).toEqual({ kind: 'ignore', reason: 'missing user, channel or ts' });
  });

  it('a reply whose text is an array is relayed as an empty reply (the text left out), not a crash', () => {
    const event = readSlackMessageEvent({ type: 'message', channel: 'C1', user: 'U1', thread_ts: '1.1', ts: '1.2', text: ['x', { $set: 1 }], files: 'nope' });
    expect(classifySlackMessage(event, 'UBOT')).toMatchObject({ kind: 'reply', text: '', files: [] });
  });

  it('a message event that is not an object reads as nothing to act on', () => {
    for (const raw of [null, 7, 'message', [1, 2]]) expect(classifySlackMessage(readSlackMessageEvent(raw), 'UBOT').kind).toBe('ignore');
  });

  it('channel_rename with a name that is an object stored that object in MongoDB: now it changes nothing', () => {
    expect(directoryChangeOf({ type: 'channel_rename', channel: { id: 'C1', name: { '.': 1 } } }, 'UBOT')).toBeNull();
    expect(directoryChangeOf({ type: 'channel_rename', channel: { id: 'C1', name: 'deals' } }, 'UBOT')).toEqual({
      op: 'patch',
      kind: 'channels',
      id: 'C1',
      fields: { name: 'deals' },
    });
  });

  it('channel and user objects keep only fields of their type', () => {
    expect(toDirectoryChannel({ id: 'C1', name: 'x', is_private: 'yes', num_members: { $gt: 1 } })).toEqual({
      id: 'C1',
      name: 'x',
      isPrivate: false,
      isArchived: false,
      isMember: false,
      memberCount: null,
    });
    expect(toDirectoryChannel({ id: 5, name: 'x' })).toBeNull();
    expect(toDirectoryUser({ id: 'U1', name: 'u', real_name: ['r'], profile: { email: { $ne: null }, display_name: 'D' } })).toEqual({
      id: 'U1',
      username: 'u',
      displayName: 'D',
      realName: '',
      email: null,
      deleted: false,
      isBot: false,
    });
  });
});
