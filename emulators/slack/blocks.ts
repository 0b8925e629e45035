// Block Kit validation for messages, modals and App Home, with Slack's limits and its
// "[ERROR] … [json-pointer:…]" messages. Covers the common blocks, not every element's options.

export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_VIEW_BLOCKS = 100;
export const MAX_SECTION_TEXT = 3000;
export const MAX_SECTION_FIELD_TEXT = 2000;
export const MAX_SECTION_FIELDS = 10;
export const MAX_HEADER_TEXT = 150;
export const MAX_MARKDOWN_BLOCK_TEXT = 12_000;
export const MAX_BLOCK_ID = 255;
export const MAX_CONTEXT_ELEMENTS = 10;
export const MAX_ACTIONS_ELEMENTS = 25;
/** Button element: text 75, value 2,000, url 3,000 (docs.slack.dev "Button element"). */
export const MAX_BUTTON_TEXT = 75;
export const MAX_BUTTON_VALUE = 2000;
export const MAX_URL = 3000;
/** Image block and image element: image_url 3,000, alt_text 2,000. */
export const MAX_ALT_TEXT = 2000;

const KNOWN_BLOCKS = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'image',
  'input',
  'rich_text',
  'markdown',
  'file',
  'video',
  'context_actions',
  'table',
]);

type Problems = string[];

/** Elements an input block may hold (docs.slack.dev "Input block": element). */
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'external_select',
  'file_input',
  'multi_channels_select',
  'multi_conversations_select',
  'multi_external_select',
  'multi_static_select',
  'multi_users_select',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'channels_select',
  'conversations_select',
  'static_select',
  'timepicker',
  'url_text_input',
  'users_select',
]);
/** Most options an element takes (docs: select menus 100, checkboxes and radio buttons 10). */
const MAX_OPTIONS: Record<string, number> = { static_select: 100, multi_static_select: 100, checkboxes: 10, radio_buttons: 10 };
export const MAX_OPTION_TEXT = 75;
export const MAX_OPTION_VALUE = 150;
export const MAX_ACTION_ID = 255;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function err(problems: Problems, msg: string, pointer: string): void {
  problems.push(`[ERROR] ${msg} [json-pointer:${pointer}]`);
}

function checkText(problems: Problems, v: unknown, pointer: string, max: number, plainOnly = false): void {
  if (!isObj(v)) return err(problems, 'must provide an object', pointer);
  const type = v['type'];
  if (type !== 'plain_text' && type !== 'mrkdwn') return err(problems, 'must be a valid enum value', `${pointer}/type`);
  if (plainOnly && type !== 'plain_text') return err(problems, 'must be a valid enum value', `${pointer}/type`);
  const text = v['text'];
  if (typeof text !== 'string') return err(problems, 'must provide a string', `${pointer}/text`);
  if (text.length === 0) return err(problems, 'must be more than 0 characters', `${pointer}/text`);
  if (text.length > max) err(problems, `must be less than ${max + 1} characters`, `${pointer}/text`);
}

/** An optional (or, with `required`, mandatory) string field of at most `max` characters. */
function checkString(problems: Problems, o: Record<string, unknown>, key: string, p: string, max: number, required: boolean): void {
  const v = o[key];
  if (v === undefined) {
    if (required) err(problems, `missing required field: ${key}`, `${p}/${key}`);
    return;
  }
  if (typeof v !== 'string') return err(problems, 'must provide a string', `${p}/${key}`);
  if (v.length > max) err(problems, `must be less than ${max + 1} characters`, `${p}/${key}`);
}

function checkButton(problems: Problems, el: Record<string, unknown>, p: string): void {
  checkText(problems, el['text'], `${p}/text`, MAX_BUTTON_TEXT, true);
  checkString(problems, el, 'action_id', p, MAX_ACTION_ID, false);
  checkString(problems, el, 'value', p, MAX_BUTTON_VALUE, false);
  checkString(problems, el, 'url', p, MAX_URL, false);
}

/** An image element (section accessory, context element) or the image block: the same two limits. */
function checkImage(problems: Problems, el: Record<string, unknown>, p: string): void {
  if (el['image_url'] === undefined && !isObj(el['slack_file'])) return err(problems, 'must provide image_url or slack_file', p);
  checkString(problems, el, 'image_url', p, MAX_URL, false);
  checkString(problems, el, 'alt_text', p, MAX_ALT_TEXT, true);
}

/** The limits of the elements the emulator knows outside input blocks: buttons and images. */
function checkElement(problems: Problems, el: unknown, p: string): void {
  if (!isObj(el)) return err(problems, 'must provide an object', p);
  if (el['type'] === 'button') checkButton(problems, el, p);
  else if (el['type'] === 'image') checkImage(problems, el, p);
}

function checkOptions(problems: Problems, options: unknown, p: string, max: number): void {
  if (!Array.isArray(options)) return err(problems, 'must provide an array', p);
  if (options.length === 0) return err(problems, 'must provide a non-empty array', p);
  if (options.length > max) err(problems, `must be no more than ${max} items`, p);
  for (const [i, o] of options.entries()) {
    if (!isObj(o)) {
      err(problems, 'must provide an object', `${p}/${i}`);
      continue;
    }
    checkText(problems, o['text'], `${p}/${i}/text`, MAX_OPTION_TEXT);
    const value = o['value'];
    if (typeof value !== 'string') err(problems, 'must provide a string', `${p}/${i}/value`);
    else if (value.length > MAX_OPTION_VALUE) err(problems, `must be less than ${MAX_OPTION_VALUE + 1} characters`, `${p}/${i}/value`);
  }
}

/** An input block's element: a known input element, its action_id and, for choices, its options. */
function checkInputElement(problems: Problems, el: Record<string, unknown>, p: string): void {
  const type = el['type'];
  if (typeof type !== 'string' || !INPUT_ELEMENTS.has(type)) return err(problems, 'invalid value for type', `${p}/type`);
  const actionId = el['action_id'];
  if (actionId !== undefined && (typeof actionId !== 'string' || actionId.length > MAX_ACTION_ID)) {
    err(problems, `must be less than ${MAX_ACTION_ID + 1} characters`, `${p}/action_id`);
  }
  const max = MAX_OPTIONS[type];
  if (max === undefined) return;
  if (el['option_groups'] !== undefined && type.endsWith('static_select')) {
    const groups = el['option_groups'];
    if (!Array.isArray(groups) || groups.length === 0) return err(problems, 'must provide a non-empty array', `${p}/option_groups`);
    for (const [i, g] of groups.entries()) checkOptions(problems, isObj(g) ? g['options'] : undefined, `${p}/option_groups/${i}/options`, max);
    return;
  }
  checkOptions(problems, el['options'], `${p}/options`, max);
}

function checkBlock(problems: Problems, b: unknown, p: string, blockIds: Set<string>): void {
  if (!isObj(b)) return err(problems, 'must provide an object', p);
  const type = b['type'];
  if (typeof type !== 'string' || !KNOWN_BLOCKS.has(type)) return err(problems, 'invalid value for type', `${p}/type`);
  const blockId = b['block_id'];
  if (blockId !== undefined) {
    if (typeof blockId !== 'string' || blockId.length > MAX_BLOCK_ID) err(problems, `must be less than ${MAX_BLOCK_ID + 1} characters`, `${p}/block_id`);
    else if (blockIds.has(blockId)) err(problems, 'duplicate block_id', `${p}/block_id`);
    else blockIds.add(blockId);
  }
  switch (type) {
    case 'section': {
      const fields = b['fields'];
      if (b['text'] === undefined && fields === undefined && b['expand'] === undefined) {
        return err(problems, 'must provide either text or fields', p);
      }
      if (b['text'] !== undefined) checkText(problems, b['text'], `${p}/text`, MAX_SECTION_TEXT);
      if (fields !== undefined) {
        if (!Array.isArray(fields)) return err(problems, 'must provide an array', `${p}/fields`);
        if (fields.length > MAX_SECTION_FIELDS) err(problems, `must be no more than ${MAX_SECTION_FIELDS} items`, `${p}/fields`);
        for (const [i, f] of fields.entries()) checkText(problems, f, `${p}/fields/${i}`, MAX_SECTION_FIELD_TEXT);
      }
      if (b['accessory'] !== undefined) checkElement(problems, b['accessory'], `${p}/accessory`);
      return;
    }
    case 'header':
      return checkText(problems, b['text'], `${p}/text`, MAX_HEADER_TEXT, true);
    case 'markdown': {
      const text = b['text'];
      if (typeof text !== 'string' || text.length === 0) return err(problems, 'must provide a string', `${p}/text`);
      if (text.length > MAX_MARKDOWN_BLOCK_TEXT) err(problems, `must be less than ${MAX_MARKDOWN_BLOCK_TEXT + 1} characters`, `${p}/text`);
      return;
    }
    case 'context': {
      const els = b['elements'];
      if (!Array.isArray(els) || els.length === 0) return err(problems, 'must provide a non-empty array', `${p}/elements`);
      if (els.length > MAX_CONTEXT_ELEMENTS) err(problems, `must be no more than ${MAX_CONTEXT_ELEMENTS} items`, `${p}/elements`);
      els.forEach((el, i) => {
        if (isObj(el) && el['type'] === 'image') checkImage(problems, el, `${p}/elements/${i}`);
      });
      return;
    }
    case 'actions': {
      const els = b['elements'];
      if (!Array.isArray(els) || els.length === 0) return err(problems, 'must provide a non-empty array', `${p}/elements`);
      if (els.length > MAX_ACTIONS_ELEMENTS) err(problems, `must be no more than ${MAX_ACTIONS_ELEMENTS} items`, `${p}/elements`);
      for (const [i, el] of els.entries()) checkElement(problems, el, `${p}/elements/${i}`);
      return;
    }
    case 'image':
      return checkImage(problems, b, p);
    case 'input':
      checkText(problems, b['label'], `${p}/label`, 2000, true);
      if (!isObj(b['element'])) err(problems, 'must provide an object', `${p}/element`);
      else checkInputElement(problems, b['element'], `${p}/element`);
      return;
    case 'rich_text':
      if (!Array.isArray(b['elements'])) err(problems, 'must provide an array', `${p}/elements`);
      return;
    default:
      return;
  }
}

/**
 * Validates a blocks array. Returns null when valid, else the error code and Slack-style messages:
 * a non-array is `invalid_blocks_format`, anything else wrong is `invalid_blocks`.
 */
export function validateBlocks(
  blocks: unknown,
  maxBlocks: number,
  pointer = '/blocks',
): { code: 'invalid_blocks' | 'invalid_blocks_format'; messages: string[] } | null {
  if (!Array.isArray(blocks)) return { code: 'invalid_blocks_format', messages: [`[ERROR] must provide an array [json-pointer:${pointer}]`] };
  const problems: Problems = [];
  if (blocks.length > maxBlocks) err(problems, `no more than ${maxBlocks} items allowed`, pointer);
  const ids = new Set<string>();
  for (const [i, b] of blocks.entries()) checkBlock(problems, b, `${pointer}/${i}`, ids);
  return problems.length ? { code: 'invalid_blocks', messages: problems } : null;
}
