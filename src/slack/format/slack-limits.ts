// Slack's documented payload limits, and the one guard every payload passes through before it is
// sent (src/slack/slack-api.ts calls fitMessage / fitView): whatever a formatter built, what
// reaches Slack is within the limits. The formatters already build within them (clipping each
// field with an ellipsis, splitting long texts, showing over-long or non-http links as text), so
// the guard changes nothing for them; it is the net under any payload that is not theirs.
// Pure: no I/O, no imports of the client (so the client can import it without a cycle).

/** docs.slack.dev: Block Kit reference, chat.postMessage, views.open (and shared/platform-facts.md). */
export const SLACK_LIMITS = {
  /** Slack truncates at 40,000; messages are kept under 4,000 and longer ones split. */
  messageText: 4000,
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  altText: 2000,
  blockId: 255,
  actionId: 255,
  optionText: 75,
  optionValue: 150,
  options: 100,
  inputLabel: 2000,
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  /** chat.postMessage's `username` (shown as the author with chat:write.customize). */
  username: 80,
} as const;

const ELLIPSIS = '…';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Shortens text to at most `limit` UTF-16 units, ending with an ellipsis when cut, never inside an
 * HTML entity (`&amp;`, as escapeSlackText writes) nor between the two halves of an emoji.
 */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  if (limit <= 1) return limit === 1 ? ELLIPSIS : '';
  let cut = limit - ELLIPSIS.length;
  const amp = text.lastIndexOf('&', cut);
  if (amp !== -1 && amp > cut - 6) {
    const semi = text.indexOf(';', amp);
    if (semi === -1 || semi >= cut) cut = amp;
  }
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}${ELLIPSIS}`;
}

/** The URL parsed when it is an http(s) one, else null (another scheme, or not a URL). */
export function httpUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
}

/**
 * A link target Slack may show as a link: http or https only (never `javascript:`, `slack:`,
 * `file:`…), within Slack's URL limit, with no whitespace or control characters; the three
 * characters that would end or split `<url|label>` percent-encoded. Null otherwise: show the
 * label as plain text.
 */
export function linkTarget(url: string, maxLength: number = SLACK_LIMITS.url): string | null {
  // Whitespace and control characters: a link Slack would cut or render wrongly.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return null;
  if (!httpUrl(url) || !/^https?:\/\//i.test(url)) return null;
  const encoded = url.replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return encoded.length <= maxLength ? encoded : null;
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A text object (`{type, text}`) clipped to `limit`, never empty (Slack refuses an empty text). */
function fitTextObject(v: unknown, limit: number): unknown {
  if (!isObj(v) || typeof v['text'] !== 'string') return v;
  const text = v['text'].length === 0 ? ' ' : clip(v['text'], limit);
  return text === v['text'] ? v : { ...v, text };
}

function fitString(o: Json, key: string, limit: number): Json {
  const v = o[key];
  return typeof v === 'string' && v.length > limit ? { ...o, [key]: clip(v, limit) } : o;
}

/** A URL field that is over the limit is left out (a cut URL would point somewhere else). */
function dropLongUrl(o: Json, key: string): Json {
  const v = o[key];
  if (typeof v !== 'string' || v.length <= SLACK_LIMITS.url) return o;
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

function fitOptions(options: unknown): unknown {
  if (!Array.isArray(options)) return options;
  return options.slice(0, SLACK_LIMITS.options).map((o) => {
    if (!isObj(o)) return o;
    return { ...o, text: fitTextObject(o['text'], SLACK_LIMITS.optionText) };
  });
}

function fitElement(el: unknown): unknown {
  if (!isObj(el)) return el;
  let out = el;
  if (out['type'] === 'button') {
    out = { ...out, text: fitTextObject(out['text'], SLACK_LIMITS.buttonText) };
    out = fitString(out, 'value', SLACK_LIMITS.buttonValue);
    out = dropLongUrl(out, 'url');
  } else if (out['type'] === 'image') {
    out = fitString(out, 'alt_text', SLACK_LIMITS.altText);
  } else if (out['type'] === 'mrkdwn' || out['type'] === 'plain_text') {
    out = fitTextObject(out, SLACK_LIMITS.contextText) as Json;
  }
  if (out['options'] !== undefined) out = { ...out, options: fitOptions(out['options']) };
  if (isObj(out['initial_option'])) out = { ...out, initial_option: (fitOptions([out['initial_option']]) as unknown[])[0] };
  if (Array.isArray(out['initial_options'])) out = { ...out, initial_options: fitOptions(out['initial_options']) };
  return fitString(out, 'action_id', SLACK_LIMITS.actionId);
}

function fitBlock(block: unknown): unknown | null {
  if (!isObj(block)) return block;
  let b = fitString(block, 'block_id', SLACK_LIMITS.blockId);
  switch (b['type']) {
    case 'section':
      if (b['text'] !== undefined) b = { ...b, text: fitTextObject(b['text'], SLACK_LIMITS.sectionText) };
      if (Array.isArray(b['fields']))
        b = { ...b, fields: b['fields'].slice(0, SLACK_LIMITS.sectionFields).map((f) => fitTextObject(f, SLACK_LIMITS.sectionFieldText)) };
      if (b['accessory'] !== undefined) b = { ...b, accessory: fitElement(b['accessory']) };
      return b;
    case 'header':
      return { ...b, text: fitTextObject(b['text'], SLACK_LIMITS.headerText) };
    case 'context':
      if (!Array.isArray(b['elements'])) return b;
      return { ...b, elements: b['elements'].slice(0, SLACK_LIMITS.contextElements).map(fitElement) };
    case 'actions':
      if (!Array.isArray(b['elements'])) return b;
      return { ...b, elements: b['elements'].slice(0, SLACK_LIMITS.actionsElements).map(fitElement) };
    case 'image': {
      if (typeof b['image_url'] === 'string' && b['image_url'].length > SLACK_LIMITS.url) return null;
      return fitString(b, 'alt_text', SLACK_LIMITS.altText);
    }
    case 'input':
      return { ...b, label: fitTextObject(b['label'], SLACK_LIMITS.inputLabel), element: fitElement(b['element']) };
    default:
      return b;
  }
}

/** At most `max` blocks; when some had to go, the last one kept says so. */
function fitBlocks(blocks: unknown[], max: number): unknown[] {
  const fitted = blocks.map(fitBlock).filter((b) => b !== null);
  if (fitted.length <= max) return fitted;
  return [...fitted.slice(0, max - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: '_(shortened: too long for one Slack message)_' }] }];
}

/** Structural equality of plain JSON values, to hand back the very object when nothing changed. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A message payload (chat.postMessage, chat.update, chat.postEphemeral) within Slack's limits:
 * text non-empty and at most 4,000 characters, at most 50 blocks, each block's texts, fields,
 * elements, buttons and images within theirs, the author name at most 80.
 */
export function fitMessage<T extends { text: string; blocks?: unknown[] | undefined; username?: string | undefined }>(body: T): T {
  // Blocks first: a text left blank stands for the blocks only when some block survives fitting
  // (an image whose URL is too long is dropped), else the message would be empty.
  const blocks = body.blocks ? fitBlocks(body.blocks, SLACK_LIMITS.messageBlocks) : undefined;
  const text = body.text.trim().length === 0 ? (blocks?.length ? ' ' : '(empty message)') : clip(body.text, SLACK_LIMITS.messageText);
  const out: T = { ...body, text };
  if (blocks) out.blocks = blocks;
  if (body.username !== undefined) out.username = clip(body.username, SLACK_LIMITS.username);
  return same(out, body) ? body : out;
}

/** A view (views.open, views.publish) within Slack's limits: 100 blocks, title 24, metadata 3,000… */
export function fitView<T extends Json>(view: T): T {
  let out: Json = { ...view };
  for (const key of ['title', 'submit', 'close'] as const) {
    if (out[key] !== undefined) out[key] = fitTextObject(out[key], SLACK_LIMITS.viewTitle);
  }
  if (Array.isArray(out['blocks'])) out['blocks'] = fitBlocks(out['blocks'], SLACK_LIMITS.viewBlocks);
  out = fitString(out, 'callback_id', SLACK_LIMITS.callbackId);
  // private_metadata is read back by the app: cutting it would corrupt it, so it is checked by its builder.
  return (same(out, view) ? view : out) as T;
}
