// A Slack call whose arguments the client cannot encode fails for good, as Slack's own
// invalid_arguments, instead of a bare URIError that the job machinery retried as a bug. Found by
// the hostile-input property test: an IM message event whose channel held a lone UTF-16 surrogate.
import { describe, expect, it } from 'vitest';
import { createSlackApi } from '../../src/slack/slack-api.ts';
import { SlackApiError } from '../../src/errors/index.ts';
import { classifyFailure } from '../../src/queues/job-errors.ts';

describe('a Slack request that cannot be encoded', () => {
  // Nothing listens there: the request must fail before it is sent.
  const slack = createSlackApi({ apiUrl: 'http://127.0.0.1:9/api/', clientId: 'c', clientSecret: 's' });

  it.each([
    ['a channel', { channel: 'D\uD800', text: 'hello' }],
    ['a text', { channel: 'D123', text: 'hello \uDC00' }],
  ])('with a lone surrogate in %s is invalid_arguments, not transient, and its job fails for good', async (_where, args) => {
    const error = await slack.postMessage('xoxb-test', args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({ method: 'chat.postMessage', code: 'invalid_arguments', transient: false });
    expect(classifyFailure(error, 0.5).kind).toBe('fail');
  });
});
