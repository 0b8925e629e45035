// The sandbox console's page: polls /api/state every second and draws the visitor's widget and
// Slack as the emulator holds it; every button is one POST to the console's /api/… (see actions.ts).
// A classic script without a build step; it draws with DOM calls only (no innerHTML), so nothing the
// emulators hold is ever read as markup.

(() => {
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  const view = { user: null, channel: null, conversation: null, threadTs: null, menuKey: null, newChat: false };
  let state = null;
  const drawn = { people: '', channels: '', log: '', chats: '', chat: '', extras: '', modal: '' };
  let timer = null;
  let focusAfterDraw = null;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for')
        node.setAttribute(key, value === true ? '' : String(value));
      else node[key] = value;
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  async function api(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error?.message ?? `The console answered ${res.status}`);
    return answer;
  }

  function say(where, text, isError) {
    const node = $(where);
    node.textContent = text;
    node.classList.toggle('error', Boolean(isError));
  }

  /** Runs one action, shows its refusal in the pane's status line, then draws the new state at once. */
  async function act(where, fn) {
    try {
      await fn();
      say(where, '');
    } catch (error) {
      say(where, error.message, true);
    }
    await poll();
  }

  // ---- polling -------------------------------------------------------------------------------
  let asked = 0;
  async function poll() {
    clearTimeout(timer);
    // An answer to an earlier question than the last one asked is dropped: it may be older.
    const mine = ++asked;
    const q = new URLSearchParams();
    if (view.user) q.set('user', view.user);
    if (view.channel) q.set('channel', view.channel);
    if (view.conversation) q.set('conversation', view.conversation);
    let res;
    let answer;
    try {
      res = await fetch(`/api/state?${q}`);
      answer = await res.json();
    } catch {
      if (mine === asked) {
        $('stopped').hidden = false;
        timer = setTimeout(poll, POLL_MS);
      }
      return;
    }
    if (mine !== asked) return;
    $('stopped').hidden = true;
    if (res.status === 400 && answer.error?.field && answer.error.field in view) {
      // A person, channel or chat that is gone (the sandbox restarted): start from the defaults.
      view[answer.error.field] = null;
      timer = setTimeout(poll, 0);
      return;
    }
    timer = setTimeout(poll, POLL_MS);
    if (!res.ok) return say('slack-status', answer.error?.message ?? `The console answered ${res.status}`, true);
    state = answer;
    draw();
  }

  function changed(part, value) {
    const key = JSON.stringify(value);
    if (drawn[part] === key) return false;
    drawn[part] = key;
    return true;
  }

  /** Redraws a region, keeping the keyboard on the control it was on (matched by data-key). */
  function redraw(container, build) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.getAttribute('data-key') : null;
    container.replaceChildren(...build());
    if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
  }

  function draw() {
    $('settings-link-row').hidden = !state.settings;
    view.user = state.slack.user;
    if (view.channel !== state.slack.channel) view.threadTs = null;
    view.channel = state.slack.channel;
    drawPeople();
    drawChannels();
    drawSlackLog();
    drawReplyTarget();
    drawModal();
    drawWidget();
    const next = focusAfterDraw && $(focusAfterDraw);
    if (next && next.offsetParent !== null) {
      next.focus();
      focusAfterDraw = null;
    }
  }

  // ---- mrkdwn and Block Kit -----------------------------------------------------------------
  const unentity = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  /** The emoji the app writes; any other :name: stays as Slack's code. */
  const EMOJI = {
    white_check_mark: '✅',
    hourglass_flowing_sand: '⏳',
    checkered_flag: '🏁',
    bell: '🔔',
    paperclip: '📎',
    memo: '📝',
    calendar: '📅',
    warning: '⚠️',
    speech_balloon: '💬',
    rotating_light: '🚨',
    raising_hand: '🙋',
    information_source: 'ℹ️',
    bust_in_silhouette: '👤',
    fire: '🔥',
    snowflake: '❄️',
    '+1': '👍',
    eyes: '👀',
  };

  function mrkdwn(text) {
    const out = document.createDocumentFragment();
    const pattern = /<([^<>\n]+)>|:([a-z0-9_+-]+):|\*([^*\n]+)\*|_([^_\n]+)_|`([^`\n]+)`|~([^~\n]+)~/g;
    let last = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      out.append(unentity(text.slice(last, m.index)));
      last = pattern.lastIndex;
      if (m[1] !== undefined) out.append(link(m[1]));
      else if (m[2] !== undefined) out.append(EMOJI[m[2]] ?? m[0]);
      else if (m[3] !== undefined) out.append(el('strong', { text: unentity(m[3]) }));
      else if (m[4] !== undefined) out.append(el('em', { text: unentity(m[4]) }));
      else if (m[5] !== undefined) out.append(el('code', { text: unentity(m[5]) }));
      else out.append(el('s', { text: unentity(m[6]) }));
    }
    out.append(unentity(text.slice(last)));
    return out;
  }

  function link(inner) {
    const [target, label] = inner.split('|');
    if (target.startsWith('@')) return el('strong', { text: `@${state.names[target.slice(1)] ?? target.slice(1)}` });
    if (target.startsWith('#')) return el('strong', { text: `#${label ?? target.slice(1)}` });
    // <!date^…|fallback> shows its fallback; <!here> and the like as Slack writes them.
    if (target.startsWith('!')) return unentity(label ?? `@${target.slice(1)}`);
    if (/^https?:\/\//.test(target)) return el('a', { href: unentity(target), target: '_blank', rel: 'noopener noreferrer', text: unentity(label ?? target) });
    return unentity(label ?? target);
  }

  function textObject(t) {
    if (!t || typeof t.text !== 'string') return '';
    return t.type === 'mrkdwn' ? mrkdwn(t.text) : t.text;
  }

  function button(b, ts) {
    return el('button', {
      type: 'button',
      class: b.style === 'primary' ? 'primary' : b.style === 'danger' ? 'danger' : 'plain',
      'data-key': `btn:${ts}:${b.action_id}:${b.value ?? ''}`,
      text: b.text?.text ?? b.action_id,
      onclick: () =>
        act('slack-status', () => api('/api/slack/click', { user: view.user, channel: view.channel, messageTs: ts, actionId: b.action_id, value: b.value })),
    });
  }

  /** One Block Kit block; `ts` is the message's (null in a modal or an ephemeral message: its buttons are not clickable). */
  function block(b, ts) {
    switch (b.type) {
      case 'header':
        return el('div', { class: 'block header' }, textObject(b.text));
      case 'divider':
        return el('hr', { class: 'block' });
      case 'context':
        return el('div', { class: 'block context' }, ...(b.elements || []).map((e) => (e.type === 'image' ? `[${e.alt_text ?? 'image'}] ` : textObject(e))));
      case 'section': {
        const accessory = b.accessory?.type === 'button' && ts ? button(b.accessory, ts) : null;
        return el(
          'div',
          { class: 'block section' },
          b.text ? el('div', { class: 'text' }, textObject(b.text)) : null,
          b.fields ? el('div', { class: 'block fields' }, ...b.fields.map((f) => el('div', { class: 'text' }, textObject(f)))) : null,
          accessory,
        );
      }
      case 'actions':
        return el(
          'div',
          { class: 'block actions' },
          ...(b.elements || []).map((e) =>
            e.type === 'button' && ts
              ? button(e, ts)
              : el('span', { class: 'meta', text: `[${e.type}${e.placeholder?.text ? `: ${e.placeholder.text}` : ''}]` }),
          ),
        );
      case 'image':
        return el('div', { class: 'block meta', text: `[image: ${b.alt_text ?? ''}]` });
      default:
        return null;
    }
  }

  function messageBody(item) {
    const drawnBlocks = item.blocks.map((b) => block(b, item.ephemeral ? null : item.ts)).filter(Boolean);
    if (drawnBlocks.length > 0) return el('div', { class: 'blocks' }, ...drawnBlocks);
    return el('div', { class: 'text' }, mrkdwn(item.text));
  }

  // ---- Slack pane ----------------------------------------------------------------------------
  function drawPeople() {
    if (!changed('people', [state.people, view.user])) return;
    const select = $('slack-user');
    select.replaceChildren(...state.people.map((p) => el('option', { value: p.id, text: `${p.realName || p.name} (@${p.name})` })));
    select.value = view.user ?? '';
  }

  function drawChannels() {
    const s = state.slack;
    if (!changed('channels', [s.channels, s.channel, s.hasAppDm])) return;
    redraw($('channel-list'), () => {
      const items = s.channels.map((c) =>
        el(
          'li',
          {},
          el('button', {
            type: 'button',
            'data-key': `ch:${c.id}`,
            'aria-current': c.id === s.channel ? 'true' : 'false',
            text: c.isIm ? 'Threadbridge (app DM)' : `${c.isPrivate ? '🔒' : '#'}${c.name}`,
            onclick: () => {
              view.channel = c.id;
              view.threadTs = null;
              poll();
            },
          }),
        ),
      );
      if (!s.hasAppDm && s.user)
        items.push(
          el(
            'li',
            {},
            el('button', {
              type: 'button',
              'data-key': 'ch:new-dm',
              text: 'Message the app',
              onclick: () =>
                act('slack-status', async () => {
                  view.channel = (await api('/api/slack/app-dm', { user: view.user })).channel;
                }),
            }),
          ),
        );
      return items;
    });
    const current = s.channels.find((c) => c.id === s.channel);
    $('channel-title').textContent = current ? (current.isIm ? 'Direct message with Threadbridge' : `#${current.name}`) : 'No channel';
    $('slack-send').disabled = !current;
  }

  function drawSlackLog() {
    const s = state.slack;
    if (!changed('log', [s.items, s.user, s.channel, view.menuKey, state.names, state.shortcuts])) return;
    const log = $('slack-log');
    // Kept where the reader scrolled, unless they were at the end or now look at another channel.
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40 || log.getAttribute('data-shows') !== `${s.user}:${s.channel}`;
    redraw(log, () => {
      if (s.items.length === 0) return [el('p', { class: 'empty', text: 'No messages here yet. Start a chat on the left: its thread appears here.' })];
      const replies = new Map();
      const parents = [];
      const known = new Set(s.items.filter((i) => i.ts).map((i) => i.ts));
      for (const item of s.items) {
        if (item.threadTs && known.has(item.threadTs)) {
          if (!replies.has(item.threadTs)) replies.set(item.threadTs, []);
          replies.get(item.threadTs).push(item);
        } else parents.push(item);
      }
      return parents.map((p) => {
        const thread = p.ts ? replies.get(p.ts) : undefined;
        return el(
          'div',
          { class: 'entry' },
          message(p, p.ts),
          thread ? el('div', { class: 'thread', role: 'group', 'aria-label': 'Thread replies' }, ...thread.map((r) => message(r, p.ts))) : null,
        );
      });
    });
    if (nearBottom) log.scrollTop = log.scrollHeight;
    // Whose view the log now shows (what a test waits for after changing the person).
    log.setAttribute('data-user', s.user ?? '');
    log.setAttribute('data-shows', `${s.user}:${s.channel}`);
  }

  function message(item, threadTs) {
    const key = item.ts ?? `e${item.time}`;
    const tools =
      item.ts === null
        ? null
        : el(
            'div',
            { class: 'msg-tools' },
            el('button', {
              type: 'button',
              'data-key': `reply:${key}`,
              text: 'Reply in thread',
              onclick: () => {
                view.threadTs = threadTs;
                drawReplyTarget();
                $('slack-text').focus();
              },
            }),
            state.shortcuts.length > 0
              ? el('button', {
                  type: 'button',
                  'data-key': `menu:${key}`,
                  'aria-expanded': view.menuKey === key ? 'true' : 'false',
                  'aria-label': 'More actions',
                  text: '⋯ More actions',
                  onclick: () => {
                    view.menuKey = view.menuKey === key ? null : key;
                    drawSlackLog();
                  },
                })
              : null,
          );
    const menu =
      view.menuKey === key && item.ts
        ? el(
            'div',
            { class: 'menu', role: 'group', 'aria-label': 'Message shortcuts' },
            ...state.shortcuts.map((sc) =>
              el('button', {
                type: 'button',
                'data-key': `sc:${key}:${sc.callbackId}`,
                text: sc.name,
                onclick: () => {
                  view.menuKey = null;
                  act('slack-status', () =>
                    api('/api/slack/shortcut', { user: view.user, channel: view.channel, messageTs: item.ts, callbackId: sc.callbackId }),
                  );
                },
              }),
            ),
          )
        : null;
    return el(
      'article',
      { class: `msg${item.ephemeral ? ' ephemeral' : ''}`, 'data-ts': item.ts ?? '' },
      el(
        'div',
        { class: 'head' },
        el('span', { class: 'author', text: item.author }),
        item.bot ? el('span', { class: 'meta', text: 'APP' }) : null,
        el('span', { class: 'meta', text: new Date(item.time).toLocaleTimeString() }),
        item.edited ? el('span', { class: 'meta', text: '(edited)' }) : null,
        item.ephemeral ? el('span', { class: 'meta', text: 'Only visible to you' }) : null,
      ),
      messageBody(item),
      item.reactions.length > 0
        ? el(
            'div',
            { class: 'reactions' },
            ...item.reactions.map((r) => el('span', { class: 'reaction', title: r.users.join(', '), text: `${EMOJI[r.name] ?? `:${r.name}:`} ${r.count}` })),
          )
        : null,
      tools,
      menu,
    );
  }

  function drawReplyTarget() {
    const target = view.threadTs && state?.slack.items.find((i) => i.ts === view.threadTs);
    if (view.threadTs && !target) view.threadTs = null;
    $('reply-target').hidden = !target;
    if (target)
      $('reply-target-text').textContent = `Replying in the thread of ${target.author}: “${target.text.slice(0, 60)}${target.text.length > 60 ? '…' : ''}”`;
    $('slack-text').placeholder = target ? 'Reply in the thread… (Enter sends)' : 'Message… (Enter sends)';
  }

  // ---- the modal -----------------------------------------------------------------------------
  function drawModal() {
    const modal = state.slack.modal;
    if (!changed('modal', modal ? [modal.id, modal.hash, view.user] : null)) return;
    $('modal-backdrop').hidden = !modal;
    $('modal-error').textContent = '';
    if (!modal) return;
    $('modal-title').textContent = modal.title?.text ?? 'Threadbridge';
    $('modal-submit').textContent = modal.submit?.text ?? 'Submit';
    $('modal-submit').hidden = !modal.submit;
    $('modal-close').textContent = modal.close?.text ?? 'Cancel';
    $('modal-body').replaceChildren(...(modal.blocks || []).map((b) => (b.type === 'input' ? input(b) : block(b, null))).filter(Boolean));
    $('modal-body').querySelector('input, select, textarea')?.focus();
  }

  function input(b) {
    const e = b.element || {};
    const id = `in-${b.block_id}-${e.action_id}`;
    const label = b.label?.text ?? b.block_id;
    const hint = b.hint ? el('span', { class: 'hint', text: b.hint.text }) : null;
    const data = { 'data-block': b.block_id, 'data-action': e.action_id, 'data-kind': e.type };
    const options = e.options || [];
    if (e.type === 'checkboxes' || e.type === 'radio_buttons') {
      const chosen = new Set((e.initial_options || (e.initial_option ? [e.initial_option] : [])).map((o) => o.value));
      return el(
        'fieldset',
        { class: 'input', ...data },
        el('legend', { text: label }),
        ...options.map((o, i) =>
          el(
            'label',
            { class: 'option' },
            el('input', {
              type: e.type === 'checkboxes' ? 'checkbox' : 'radio',
              name: id,
              value: o.value,
              checked: chosen.has(o.value),
              id: `${id}-${i}`,
            }),
            o.text?.text ?? o.value,
          ),
        ),
        hint,
      );
    }
    let control;
    if (e.type === 'static_select' || e.type === 'multi_static_select') {
      const chosen = new Set((e.initial_options || (e.initial_option ? [e.initial_option] : [])).map((o) => o.value));
      control = el(
        'select',
        { id, multiple: e.type === 'multi_static_select', ...data },
        e.type === 'static_select' && chosen.size === 0 ? el('option', { value: '', text: e.placeholder?.text ?? 'Choose…' }) : null,
        ...options.map((o) => el('option', { value: o.value, selected: chosen.has(o.value), text: o.text?.text ?? o.value })),
      );
    } else if (e.type === 'plain_text_input' && e.multiline) control = el('textarea', { id, rows: 3, value: e.initial_value ?? '', ...data });
    else {
      const type = { number_input: 'number', datepicker: 'date', timepicker: 'time', email_text_input: 'email', url_text_input: 'url' }[e.type] ?? 'text';
      control = el('input', { id, type, value: e.initial_value ?? e.initial_date ?? e.initial_time ?? '', required: !b.optional, ...data });
    }
    return el('div', { class: 'input' }, el('label', { for: id, text: label }), control, hint);
  }

  function modalValues() {
    const values = {};
    const put = (node, value) => {
      values[node.dataset.block] ??= {};
      values[node.dataset.block][node.dataset.action] = value;
    };
    for (const node of $('modal-body').querySelectorAll('[data-kind]')) {
      const kind = node.dataset.kind;
      if (kind === 'checkboxes')
        put(
          node,
          [...node.querySelectorAll('input:checked')].map((i) => i.value),
        );
      else if (kind === 'radio_buttons') put(node, node.querySelector('input:checked')?.value ?? null);
      else if (kind === 'multi_static_select')
        put(
          node,
          [...node.selectedOptions].map((o) => o.value),
        );
      else put(node, node.value === '' ? null : node.value);
    }
    return values;
  }

  async function submitModal(event) {
    event.preventDefault();
    const modal = state.slack.modal;
    try {
      const { outcome } = await api('/api/slack/views/submit', { user: view.user, viewId: modal.id, values: modalValues() });
      if (outcome.action === 'errors') $('modal-error').textContent = Object.values(outcome.errors).join(' ');
      else if (outcome.action === 'error_shown') $('modal-error').textContent = `Slack shows an error: ${outcome.detail || outcome.reason}`;
      else drawn.modal = '';
    } catch (error) {
      $('modal-error').textContent = error.message;
    }
    await poll();
  }

  async function closeModal() {
    const modal = state?.slack.modal;
    if (!modal) return;
    drawn.modal = '';
    await act('slack-status', () => api('/api/slack/views/close', { user: view.user, viewId: modal.id }));
  }

  // ---- the visitor's widget ------------------------------------------------------------------
  function drawWidget() {
    const v = state.visitor;
    const chat = v.chat;
    view.conversation = chat?.id ?? null;
    if (changed('chats', [v.chats, view.conversation])) {
      const pick = $('chat-pick');
      pick.replaceChildren(
        ...(v.chats.length === 0
          ? [el('option', { value: '', text: 'No chat yet' })]
          : v.chats.map((c) => el('option', { value: c.id, text: `${c.visitor}, ${new Date(c.startedAt).toLocaleTimeString()}` }))),
      );
      pick.value = view.conversation ?? '';
      pick.disabled = v.chats.length === 0;
    }
    const starting = view.newChat || !chat;
    $('start-form').hidden = !starting;
    $('chat').hidden = starting;
    $('widget-empty').hidden = v.chats.length > 0;
    if (!chat) return;
    $('chat-head').textContent =
      `${chat.visitor.name ?? 'Visitor'}${chat.account ? `, of the target account ${chat.account.name}` : ''} on Acme’s website.` +
      (chat.ended ? ` This chat has ended (by the ${chat.endedBy}).` : '');
    for (const id of ['visitor-text', 'visitor-file', 'visitor-send', 'end-chat']) $(id).disabled = chat.ended;
    if (changed('chat', [chat.id, chat.messages])) {
      const log = $('chat-log');
      log.replaceChildren(
        ...(chat.messages.length === 0 ? [el('li', { class: 'system', text: 'Say hello: the reps see it in Slack.' })] : []),
        ...chat.messages.map((m) =>
          el(
            'li',
            { class: m.author.type },
            m.author.type === 'agent' ? el('span', { class: 'who', text: m.author.name }) : null,
            m.text,
            ...m.attachments.map((a) => el('span', {}, ' 📎 ', el('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer', text: a.name }))),
          ),
        ),
      );
      log.scrollTop = log.scrollHeight;
    }
    if (changed('extras', [chat.id, chat.meetings, chat.forms, chat.ended])) redraw($('chat-extras'), () => extras(chat));
  }

  function extras(chat) {
    const cards = [];
    for (const f of chat.forms) {
      if (f.values) {
        cards.push(
          el('p', {
            class: 'card',
            text: `You sent the form: ${Object.entries(f.values)
              .map(([k, val]) => `${k}: ${val}`)
              .join(', ')}`,
          }),
        );
        continue;
      }
      const form = el(
        'form',
        { class: 'card', 'data-form': f.id },
        el('h3', { text: 'The rep asks you for a few details' }),
        ...f.fields.flatMap((field) => [
          el('label', { for: `form-${f.id}-${field}`, text: field[0].toUpperCase() + field.slice(1) }),
          el('input', {
            id: `form-${f.id}-${field}`,
            'data-key': `form-${f.id}-${field}`,
            name: field,
            type: field === 'email' ? 'email' : 'text',
            autocomplete: 'off',
          }),
        ]),
        el('button', { type: 'submit', 'data-key': `form-${f.id}-send`, text: 'Send the form', disabled: chat.ended }),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const values = Object.fromEntries(f.fields.map((field) => [field, form.elements[field].value]));
        act('widget-status', () => api('/api/visitor/form', { formRequestId: f.id, values }));
      });
      cards.push(form);
    }
    for (const m of chat.meetings) {
      if (m.status === 'booked') {
        cards.push(
          el('p', { class: 'card meeting', text: `Meeting booked: ${m.durationMinutes ?? ''} minutes from ${new Date(m.startsAt).toLocaleString()}.` }),
        );
        continue;
      }
      const when = el('input', { id: `meet-${m.id}`, 'data-key': `meet-${m.id}`, type: 'datetime-local', value: tomorrowAtTen(), required: true });
      const form = el(
        'form',
        { class: 'card meeting', 'data-meeting': m.id },
        el('h3', { text: `A rep offers you a ${m.durationMinutes ?? ''}-minute meeting` }),
        el('label', { for: `meet-${m.id}`, text: 'Pick a time' }),
        when,
        el('button', { type: 'submit', 'data-key': `meet-${m.id}-book`, text: 'Book the meeting' }),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        act('widget-status', () => api('/api/visitor/meetings', { meetingRequestId: m.id, startsAt: new Date(when.value).toISOString() }));
      });
      cards.push(form);
    }
    return cards;
  }

  function tomorrowAtTen() {
    const d = new Date(Date.now() + 86_400_000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T10:00`;
  }

  // ---- wiring --------------------------------------------------------------------------------
  /** Enter sends, Shift+Enter makes a new line, as in Slack and in chat widgets. */
  function enterSends(textarea, form) {
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  function wire() {
    $('slack-user').addEventListener('change', (event) => {
      view.user = event.target.value;
      view.channel = null;
      view.threadTs = null;
      view.menuKey = null;
      poll();
    });
    $('reply-cancel').addEventListener('click', () => {
      view.threadTs = null;
      drawReplyTarget();
      $('slack-text').focus();
    });
    $('slack-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('slack-text').value;
      if (text.trim() === '') return say('slack-status', 'Write something first.', true);
      act('slack-status', async () => {
        await api('/api/slack/messages', { user: view.user, channel: view.channel, text, ...(view.threadTs ? { threadTs: view.threadTs } : {}) });
        $('slack-text').value = '';
      });
    });
    enterSends($('slack-text'), $('slack-form'));

    $('chat-pick').addEventListener('change', (event) => {
      view.conversation = event.target.value || null;
      view.newChat = false;
      poll();
    });
    $('new-chat').addEventListener('click', () => {
      view.newChat = true;
      $('start-form').hidden = false;
      $('chat').hidden = true;
      $('start-name').focus();
    });
    $('start-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act('widget-status', async () => {
        const { conversationId } = await api('/api/visitor/start', {
          name: $('start-name').value,
          ...($('start-email').value ? { email: $('start-email').value } : {}),
          ...($('start-account').value ? { account: $('start-account').value } : {}),
        });
        view.conversation = conversationId;
        view.newChat = false;
        // The keyboard goes on to the message box once the chat is drawn (the form it was in is hidden then).
        focusAfterDraw = 'visitor-text';
      });
    });
    $('visitor-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('visitor-text').value;
      const fileUrl = $('visitor-file').value;
      if (text.trim() === '' && fileUrl === '') return say('widget-status', 'Write a message or attach a file link first.', true);
      act('widget-status', async () => {
        await api('/api/visitor/messages', { conversationId: view.conversation, ...(text.trim() ? { text } : {}), ...(fileUrl ? { fileUrl } : {}) });
        $('visitor-text').value = '';
        $('visitor-file').value = '';
      });
    });
    enterSends($('visitor-text'), $('visitor-form'));
    $('end-chat').addEventListener('click', () => act('widget-status', () => api('/api/visitor/end', { conversationId: view.conversation })));

    $('modal').addEventListener('submit', submitModal);
    $('modal-close').addEventListener('click', closeModal);
    $('modal-backdrop').addEventListener('keydown', (event) => {
      if (event.key === 'Escape') closeModal();
    });
    poll();
  }

  wire();
})();
