// view.state.values as Slack builds it from a person's input: which Block Kit elements hold state,
// the shape of each (docs.slack.dev "view_submission payload", bolt-js ViewStateValue), their
// initial values, and the checks Slack's client makes before it lets a person submit.

import type { EmulatorState } from './state.ts';

type Json = Record<string, unknown>;
/** block_id → action_id → {type, value | selected_…}. */
export type StateValues = Record<string, Record<string, Json>>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Elements that carry an action_id (Slack fills one in when missing). */
const ACTION_ELEMENTS = new Set([
  'button',
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
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'channels_select',
  'conversations_select',
  'static_select',
  'timepicker',
  'url_text_input',
  'users_select',
  'workflow_button',
]);

export function isActionElement(el: Json): boolean {
  return typeof el['type'] === 'string' && ACTION_ELEMENTS.has(el['type']);
}

type Kind =
  | 'text'
  | 'email'
  | 'url'
  | 'number'
  | 'option'
  | 'options'
  | 'user'
  | 'users'
  | 'conversation'
  | 'conversations'
  | 'channel'
  | 'channels'
  | 'date'
  | 'time'
  | 'datetime';

/** The stateful element types the emulator models: the state field and the initial_… field. */
const STATEFUL: Record<string, { kind: Kind; field: string; initial: string }> = {
  plain_text_input: { kind: 'text', field: 'value', initial: 'initial_value' },
  email_text_input: { kind: 'email', field: 'value', initial: 'initial_value' },
  url_text_input: { kind: 'url', field: 'value', initial: 'initial_value' },
  number_input: { kind: 'number', field: 'value', initial: 'initial_value' },
  static_select: { kind: 'option', field: 'selected_option', initial: 'initial_option' },
  radio_buttons: { kind: 'option', field: 'selected_option', initial: 'initial_option' },
  multi_static_select: { kind: 'options', field: 'selected_options', initial: 'initial_options' },
  checkboxes: { kind: 'options', field: 'selected_options', initial: 'initial_options' },
  users_select: { kind: 'user', field: 'selected_user', initial: 'initial_user' },
  multi_users_select: { kind: 'users', field: 'selected_users', initial: 'initial_users' },
  conversations_select: { kind: 'conversation', field: 'selected_conversation', initial: 'initial_conversation' },
  multi_conversations_select: { kind: 'conversations', field: 'selected_conversations', initial: 'initial_conversations' },
  channels_select: { kind: 'channel', field: 'selected_channel', initial: 'initial_channel' },
  multi_channels_select: { kind: 'channels', field: 'selected_channels', initial: 'initial_channels' },
  datepicker: { kind: 'date', field: 'selected_date', initial: 'initial_date' },
  timepicker: { kind: 'time', field: 'selected_time', initial: 'initial_time' },
  datetimepicker: { kind: 'datetime', field: 'selected_date_time', initial: 'initial_date_time' },
};

/** Stateful at Slack, but their values come from places the emulator does not model. */
const NOT_MODELLED = new Set(['external_select', 'multi_external_select', 'rich_text_input', 'file_input']);

const LIST_KINDS = new Set<Kind>(['options', 'users', 'conversations', 'channels']);

/** Slack's default and largest max_length for plain_text_input. */
export const MAX_PLAIN_TEXT_INPUT = 3000;

export interface StatefulElement {
  blockId: string;
  actionId: string;
  element: Json;
  /** Set when the element is an input block's: its label and whether it is optional. */
  input: { label: string; optional: boolean } | null;
}

/** Every element of the blocks that holds or could hold state, with its block_id and action_id. */
export function interactiveElements(blocks: unknown): StatefulElement[] {
  const out: StatefulElement[] = [];
  if (!Array.isArray(blocks)) return out;
  for (const b of blocks) {
    if (!isObj(b) || typeof b['block_id'] !== 'string') continue;
    const blockId = b['block_id'];
    const add = (el: unknown, input: StatefulElement['input']): void => {
      if (isObj(el) && isActionElement(el) && typeof el['action_id'] === 'string') out.push({ blockId, actionId: el['action_id'], element: el, input });
    };
    if (b['type'] === 'input') {
      const label = isObj(b['label']) && typeof b['label']['text'] === 'string' ? b['label']['text'] : '';
      add(b['element'], { label, optional: b['optional'] === true });
    } else if (b['type'] === 'section') {
      add(b['accessory'], null);
    } else if (b['type'] === 'actions' && Array.isArray(b['elements'])) {
      for (const el of b['elements']) add(el, null);
    }
  }
  return out;
}

function elementType(el: Json): string {
  return String(el['type']);
}

/** The element's options, option_groups flattened. */
function optionsOf(el: Json): Json[] {
  const flat: Json[] = [];
  if (Array.isArray(el['options'])) for (const o of el['options']) if (isObj(o)) flat.push(o);
  if (Array.isArray(el['option_groups'])) {
    for (const g of el['option_groups']) {
      if (isObj(g) && Array.isArray(g['options'])) for (const o of g['options']) if (isObj(o)) flat.push(o);
    }
  }
  return flat;
}

function stateOf(el: Json, field: string, value: unknown): Json {
  const out: Json = { type: elementType(el), [field]: value };
  // Slack echoes the flag in the state (seen in captured view_closed payloads).
  if (el['response_url_enabled'] === true) out['response_url_enabled'] = true;
  return out;
}

/** The state of an element nobody touched and that has no initial value: null, or [] for lists. */
export function emptyState(el: Json): Json | null {
  const spec = STATEFUL[elementType(el)];
  if (!spec) return null;
  return stateOf(el, spec.field, LIST_KINDS.has(spec.kind) ? [] : null);
}

/** The state the element starts with, from its initial_… field (options as the element lists them). */
export function initialState(el: Json): Json | null {
  const spec = STATEFUL[elementType(el)];
  if (!spec) return null;
  const init = el[spec.initial];
  if (init === undefined || init === null) return null;
  const byValue = (o: unknown): unknown => (isObj(o) ? (optionsOf(el).find((x) => x['value'] === o['value']) ?? o) : o);
  if (spec.kind === 'option') return stateOf(el, spec.field, structuredClone(byValue(init)));
  if (spec.kind === 'options') return Array.isArray(init) && init.length ? stateOf(el, spec.field, structuredClone(init.map(byValue))) : null;
  if (LIST_KINDS.has(spec.kind)) return Array.isArray(init) && init.length ? stateOf(el, spec.field, [...init]) : null;
  return stateOf(el, spec.field, init);
}

export function isEmptyState(v: Json | null | undefined): boolean {
  if (!v) return true;
  const spec = STATEFUL[String(v['type'])];
  if (!spec) return true;
  const x = v[spec.field];
  return x === null || x === undefined || x === '' || (Array.isArray(x) && x.length === 0);
}

export interface PersonContext {
  state: EmulatorState;
  teamId: string;
  userId: string;
}

/**
 * The state of an element after the person entered `raw` into it, checked the way Slack's client
 * checks before it lets the person submit; throws an Error naming the block otherwise. `null`
 * clears the element.
 */
export function enteredState(s: StatefulElement, raw: unknown, ctx: PersonContext): Json {
  const el = s.element;
  const type = elementType(el);
  const where = `block ${s.blockId} / action ${s.actionId} (${type})`;
  const bad = (why: string): never => {
    throw new Error(`${where}: ${why}`);
  };
  if (NOT_MODELLED.has(type)) bad('entering values into this element type is not modelled by the emulator');
  const spec = STATEFUL[type];
  if (!spec) bad('holds no state (a person presses it; it has no value to submit)');
  const { kind, field } = spec!;
  if (raw === null) return emptyState(el)!;
  const text = (): string => {
    if (typeof raw === 'number' && kind === 'number') return String(raw);
    if (typeof raw !== 'string') bad(`expected a string, got ${JSON.stringify(raw)}`);
    return raw as string;
  };
  const list = (): string[] => {
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) bad(`expected an array of strings, got ${JSON.stringify(raw)}`);
    const xs = raw as string[];
    if (new Set(xs).size !== xs.length) bad(`the same value is picked twice: ${JSON.stringify(xs)}`);
    return xs;
  };
  const pickOption = (value: string): Json => {
    const options = optionsOf(el);
    const hit = options.find((o) => o['value'] === value);
    if (!hit) bad(`"${value}" is not one of the element's options (${options.map((o) => JSON.stringify(o['value'])).join(', ') || 'none'})`);
    return structuredClone(hit!);
  };
  const person = (id: string): string => {
    const u = ctx.state.users.get(id);
    if (!u || u.teamId !== ctx.teamId || u.deleted) bad(`${id} is not an active user of ${ctx.teamId}`);
    return id;
  };
  const conversation = (id: string, channelsOnly: boolean): string => {
    const c = ctx.state.channels.get(id);
    const visible = c && c.teamId === ctx.teamId && (!(c.isPrivate || c.isIm) || c.members.has(ctx.userId));
    if (!visible) bad(`${id} is not a conversation ${ctx.userId} can pick in ${ctx.teamId}`);
    if (channelsOnly && (c!.isPrivate || c!.isIm)) bad(`${id} is not a public channel (channels_select lists public channels)`);
    return id;
  };

  switch (kind) {
    case 'text':
    case 'email':
    case 'url': {
      const v = text();
      if (v === '') return emptyState(el)!;
      const max = typeof el['max_length'] === 'number' ? el['max_length'] : MAX_PLAIN_TEXT_INPUT;
      const min = typeof el['min_length'] === 'number' ? el['min_length'] : 0;
      if (v.length > max) bad(`${v.length} characters, more than the element's max_length ${max}`);
      if (v.length < min) bad(`${v.length} characters, fewer than the element's min_length ${min}`);
      if (kind === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) bad(`"${v}" is not an email address`);
      if (kind === 'url') {
        let ok = false;
        try {
          ok = ['http:', 'https:'].includes(new URL(v).protocol);
        } catch {
          ok = false;
        }
        if (!ok) bad(`"${v}" is not a URL`);
      }
      return stateOf(el, field, v);
    }
    case 'number': {
      const v = text().trim();
      if (v === '') return emptyState(el)!;
      if (!/^-?\d+(\.\d+)?$/.test(v)) bad(`"${v}" is not a number`);
      if (el['is_decimal_allowed'] !== true && v.includes('.')) bad(`"${v}" is not a whole number (is_decimal_allowed is not set)`);
      const n = Number(v);
      if (el['min_value'] !== undefined && n < Number(el['min_value'])) bad(`${v} is below min_value ${String(el['min_value'])}`);
      if (el['max_value'] !== undefined && n > Number(el['max_value'])) bad(`${v} is above max_value ${String(el['max_value'])}`);
      return stateOf(el, field, v);
    }
    case 'option':
      return stateOf(el, field, pickOption(text()));
    case 'options': {
      const values = list();
      const max = el['max_selected_items'];
      if (typeof max === 'number' && values.length > max) bad(`${values.length} picked, more than max_selected_items ${max}`);
      return stateOf(el, field, values.map(pickOption));
    }
    case 'user':
      return stateOf(el, field, person(text()));
    case 'users':
      return stateOf(el, field, list().map(person));
    case 'conversation':
      return stateOf(el, field, conversation(text(), false));
    case 'conversations':
      return stateOf(
        el,
        field,
        list().map((id) => conversation(id, false)),
      );
    case 'channel':
      return stateOf(el, field, conversation(text(), true));
    case 'channels':
      return stateOf(
        el,
        field,
        list().map((id) => conversation(id, true)),
      );
    case 'date': {
      const v = text();
      const d = new Date(`${v}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) bad(`"${v}" is not a date (YYYY-MM-DD)`);
      return stateOf(el, field, v);
    }
    case 'time': {
      const v = text();
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) bad(`"${v}" is not a time (HH:mm)`);
      return stateOf(el, field, v);
    }
    case 'datetime': {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) bad(`expected epoch seconds (an integer), got ${JSON.stringify(raw)}`);
      return stateOf(el, field, raw);
    }
  }
}

/**
 * view.state.values: each stateful element's entered value, else its initial value; elements of
 * input blocks always appear (null / [] when empty), others only with a value. With `onlyFilled`
 * (view_closed) empty elements are left out everywhere, as captured view_closed payloads show.
 */
export function stateValues(blocks: unknown, entered: StateValues | undefined, onlyFilled = false): StateValues {
  const out: StateValues = {};
  for (const s of interactiveElements(blocks)) {
    if (!STATEFUL[elementType(s.element)]) continue;
    let v = entered?.[s.blockId]?.[s.actionId] ?? initialState(s.element);
    if (!v && s.input && !onlyFilled) v = emptyState(s.element);
    if (!v || (onlyFilled && isEmptyState(v))) continue;
    // biome-ignore lint/suspicious/noAssignInExpressions: `??=` makes the block's record on first use
    (out[s.blockId] ??= {})[s.actionId] = v;
  }
  return out;
}

/** What survives an update: entries whose block_id/action_id still hold an element of the same type. */
export function keepEnteredFor(entered: StateValues, view: Json): StateValues | undefined {
  const now = new Map(interactiveElements(view['blocks']).map((s) => [`${s.blockId}\u0000${s.actionId}`, elementType(s.element)]));
  const out: StateValues = {};
  for (const [blockId, actions] of Object.entries(entered)) {
    for (const [actionId, v] of Object.entries(actions)) {
      // biome-ignore lint/suspicious/noAssignInExpressions: `??=` makes the block's record on first use
      if (now.get(`${blockId}\u0000${actionId}`) === v['type']) (out[blockId] ??= {})[actionId] = v;
    }
  }
  return Object.keys(out).length ? out : undefined;
}
