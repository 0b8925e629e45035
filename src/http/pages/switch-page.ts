// The page a Setup link answers when this browser is signed in already, for another org or as
// another admin: both are named, and nothing changes until the admin clicks Switch (a same-origin
// POST carrying the launch token, whose nonce is taken then). So a link from anywhere cannot
// quietly move an admin's window into someone else's org.
import { escapeHtml } from './result-page.ts';

/** An org or an admin as the page names it: the name the platform gave, with its id (names need not be unique). */
export interface Named {
  id: string;
  name?: string | undefined;
}

export const labelOf = ({ id, name }: Named) => (name ? `${name} (${id})` : id);

export function switchPage(input: {
  current: { org: Named; user: Named };
  next: { org: Named; user: Named };
  action: string;
  launch: string;
  stayHref: string;
}): string {
  const { current, next } = input;
  const sameOrg = current.org.id === next.org.id;
  const strong = (named: Named) => `<strong>${escapeHtml(labelOf(named))}</strong>`;
  const nextLabel = sameOrg ? `as ${escapeHtml(next.user.name ?? next.user.id)}` : `to ${escapeHtml(next.org.name ?? next.org.id)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switch the Slack integration settings?</title>
<link rel="stylesheet" href="/assets/result-page.css"></head>
<body><h1>${sameOrg ? 'Switch admin?' : 'Switch organization?'}</h1>
<p id="current">This window is signed in to the Slack integration settings of ${strong(current.org)} as ${strong(current.user)}.</p>
<p id="next">The Setup link you opened is for ${strong(next.org)} as ${strong(next.user)}.</p>
<form method="post" action="${escapeHtml(input.action)}"><input type="hidden" name="launch" value="${escapeHtml(input.launch)}">
<button type="submit" id="switch">Switch ${nextLabel}</button></form>
<p><a id="stay" href="${escapeHtml(input.stayHref)}">Stay in ${escapeHtml(current.org.name ?? current.org.id)} as ${escapeHtml(current.user.name ?? current.user.id)}</a></p>
<p class="hint">Switching signs this window out of ${escapeHtml(current.org.name ?? current.org.id)}. If you did not click Setup on the chat platform just now, stay: someone else’s link may be trying to sign you in to their organization.</p></body></html>`;
}
