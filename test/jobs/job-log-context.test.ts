// What a job's log lines say about it, from its queue, id and payload, whatever the payload's shape.
import { describe, expect, it } from 'vitest';
import { jobLogContext } from '../../src/jobs/job-log-context.ts';

describe('jobLogContext', () => {
  it.each([
    {
      name: 'conversation.started',
      data: { id: 'ev1', type: 'conversation.started', orgId: 'org_1', data: { conversation: { id: 'conv_1', orgId: 'org_1' } } },
      expected: { orgId: 'org_1', conversationId: 'conv_1' },
    },
    {
      name: 'message.created',
      data: { id: 'ev2', type: 'message.created', orgId: 'org_1', data: { conversationId: 'conv_2', message: {} } },
      expected: { orgId: 'org_1', conversationId: 'conv_2' },
    },
    {
      name: 'agent.status_changed (no conversation)',
      data: { id: 'ev3', type: 'agent.status_changed', orgId: 'org_1', data: { agentId: 'a1', status: 'away' } },
      expected: { orgId: 'org_1' },
    },
    { name: 'a thread sync', data: { orgId: 'org_1', conversationId: 'conv_3', cause: 'gap-wait' }, expected: { orgId: 'org_1', conversationId: 'conv_3' } },
    { name: 'a Slack event', data: { teamId: 'T1', eventId: 'Ev1', event: { type: 'message' } }, expected: { teamId: 'T1' } },
    { name: 'the directory sweep', data: { kind: 'sweep' }, expected: {} },
    { name: 'no payload', data: null, expected: {} },
    { name: 'fields of the wrong type', data: { orgId: 7, conversationId: '', teamId: { x: 1 } }, expected: {} },
  ])('$name', ({ data, expected }) => {
    expect(jobLogContext('q', 'job-1', data)).toEqual({ queue: 'q', jobId: 'job-1', ...expected });
  });
});
