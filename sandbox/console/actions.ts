// The console's buttons, each one emulator call: what the visitor does on the platform's side
// (start, write, end, answer a form, book the offered meeting) and what a Slack person does (post,
// click a button, use a message shortcut, submit or close a modal). The Slack ones go through the
// emulator's interactions, so they reach the product signed, exactly as Slack would send them.
import type { FastifyInstance } from 'fastify';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import { bodyOf, refuse, textField, viewValues } from './input.ts';

interface Deps {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  orgId: string;
  teamId: string;
}

export function registerConsoleActions(app: FastifyInstance, deps: Deps): void {
  const { slack, platform, orgId, teamId } = deps;
  const person = (b: Record<string, unknown>) => {
    const user = textField(b, 'user', { required: true });
    if (!slack.workspace(teamId).users.some((u) => u.id === user && !u.isBot)) refuse('user', `no person ${user} in the workspace`);
    return user;
  };

  app.post('/api/visitor/start', async (req) => {
    const b = bodyOf(req.body, ['name', 'email', 'company', 'account', 'pageUrl']);
    const name = textField(b, 'name', { required: true, max: 200 });
    const email = textField(b, 'email', { required: false, max: 200 });
    if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) refuse('email', 'must look like name@example.com');
    const company = textField(b, 'company', { required: false, max: 200 });
    const account = textField(b, 'account', { required: false, max: 200 });
    const pageUrl = textField(b, 'pageUrl', { required: false, max: 2000 });
    if (pageUrl !== undefined && !isHttpUrl(pageUrl)) refuse('pageUrl', 'must be an http(s) URL');
    const conversation = await platform.startConversation(orgId, {
      source: 'web',
      pageUrl: pageUrl ?? 'https://acme.test/pricing',
      visitor: { name, email: email ?? null, company: company ?? account ?? null },
      // An identified target account, as the platform's account matching would name it.
      account: account === undefined ? null : { id: `acct_${slug(account)}`, name: account, ownerAgentId: null },
    });
    return { conversationId: conversation.id };
  });

  app.post('/api/visitor/messages', async (req) => {
    const b = bodyOf(req.body, ['conversationId', 'text', 'fileUrl']);
    const id = textField(b, 'conversationId', { required: true });
    const fileUrl = textField(b, 'fileUrl', { required: false, max: 2000 });
    if (fileUrl !== undefined && !isHttpUrl(fileUrl)) refuse('fileUrl', 'must be an http(s) URL');
    const text = textField(b, 'text', { required: fileUrl === undefined }) ?? '';
    const attachments = fileUrl === undefined ? undefined : [{ name: fileName(fileUrl), url: fileUrl, mimeType: 'application/octet-stream', size: 0 }];
    const message = await platform.visitorSays(orgId, id, text, attachments ? { attachments } : {});
    return { messageId: message.id };
  });

  app.post('/api/visitor/end', async (req) => {
    const b = bodyOf(req.body, ['conversationId']);
    await platform.end(orgId, textField(b, 'conversationId', { required: true }), 'visitor', null);
    return { ended: true };
  });

  app.post('/api/visitor/form', async (req) => {
    const b = bodyOf(req.body, ['formRequestId', 'values']);
    const formRequestId = textField(b, 'formRequestId', { required: true });
    const raw = b['values'];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) refuse('values', 'must be an object of field → text');
    const values: Record<string, string> = {};
    for (const [field, v] of Object.entries(raw)) {
      if (typeof v !== 'string') refuse(`values.${field}`, 'must be a string');
      if (v.trim() !== '') values[field] = v.trim();
    }
    if (Object.keys(values).length === 0) refuse('values', 'fill in at least one field');
    await platform.submitForm(orgId, formRequestId, values);
    return { submitted: true };
  });

  app.post('/api/visitor/meetings', async (req) => {
    const b = bodyOf(req.body, ['meetingRequestId', 'startsAt']);
    const meetingRequestId = textField(b, 'meetingRequestId', { required: true });
    const startsAt = textField(b, 'startsAt', { required: true, max: 40 });
    if (Number.isNaN(Date.parse(startsAt))) refuse('startsAt', 'must be a date and time, e.g. 2026-12-01T15:00:00Z');
    await platform.bookMeeting(orgId, meetingRequestId, new Date(startsAt).toISOString());
    return { booked: true };
  });

  app.post('/api/slack/messages', async (req) => {
    const b = bodyOf(req.body, ['user', 'channel', 'text', 'threadTs']);
    const user = person(b);
    const channel = textField(b, 'channel', { required: true });
    const text = textField(b, 'text', { required: true });
    const threadTs = textField(b, 'threadTs', { required: false, max: 40 });
    const ts = await slack.postAsUser({ teamId, channel, user, text, ...(threadTs ? { threadTs } : {}) });
    return { ts };
  });

  app.post('/api/slack/app-dm', async (req) => {
    const b = bodyOf(req.body, ['user']);
    return { channel: slack.openAppDm(teamId, person(b)).id };
  });

  app.post('/api/slack/click', async (req) => {
    const b = bodyOf(req.body, ['user', 'channel', 'messageTs', 'actionId', 'value']);
    const userId = person(b);
    const value = textField(b, 'value', { required: false, max: 2000 });
    const answer = await slack.clickButton({
      teamId,
      userId,
      channel: textField(b, 'channel', { required: true }),
      messageTs: textField(b, 'messageTs', { required: true, max: 40 }),
      actionId: textField(b, 'actionId', { required: true, max: 255 }),
      ...(value !== undefined ? { value } : {}),
    });
    return { status: answer.status };
  });

  app.post('/api/slack/shortcut', async (req) => {
    const b = bodyOf(req.body, ['user', 'channel', 'messageTs', 'callbackId']);
    const userId = person(b);
    const answer = await slack.messageShortcut({
      teamId,
      userId,
      channel: textField(b, 'channel', { required: true }),
      messageTs: textField(b, 'messageTs', { required: true, max: 40 }),
      callbackId: textField(b, 'callbackId', { required: true, max: 255 }),
    });
    return { status: answer.status };
  });

  app.post('/api/slack/views/submit', async (req) => {
    const b = bodyOf(req.body, ['user', 'viewId', 'values']);
    const userId = person(b);
    const result = await slack.submitView({ teamId, userId, viewId: textField(b, 'viewId', { required: true }), values: viewValues(b, 'values') });
    return { status: result.status, outcome: result.outcome };
  });

  app.post('/api/slack/views/close', async (req) => {
    const b = bodyOf(req.body, ['user', 'viewId']);
    const userId = person(b);
    const result = await slack.closeView({ teamId, userId, viewId: textField(b, 'viewId', { required: true }) });
    return { closed: result.closedViewIds };
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function fileName(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).at(-1);
  if (!last) return 'file';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'account'
  );
}
