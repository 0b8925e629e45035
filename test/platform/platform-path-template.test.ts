// The platform calls' metric label: the path with its ids left out, so calls of a kind count together.
import { describe, expect, it } from 'vitest';
import { pathTemplate } from '../../src/platform/platform-api.ts';

describe('pathTemplate', () => {
  it.each([
    ['/orgs/org_1/agents', '/orgs/{orgId}/agents'],
    ['/orgs/org_1/routing-groups', '/orgs/{orgId}/routing-groups'],
    ['/orgs/org%2F1/conversations/conv_9', '/orgs/{orgId}/conversations/{id}'],
    ['/orgs/org_1/conversations/conv_9/messages', '/orgs/{orgId}/conversations/{id}/messages'],
    ['/orgs/org_1/conversations/conv_9/transcript', '/orgs/{orgId}/conversations/{id}/transcript'],
  ])('%s → %s', (path, template) => {
    expect(pathTemplate(path)).toBe(template);
  });
});
