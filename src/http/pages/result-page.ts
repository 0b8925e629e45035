// A minimal HTML page for the end of a browser flow (install done or failed, a Setup link
// refused). No inline style or script: its styles are the served /assets/result-page.css (the
// switch prompt, switch-page.ts, uses them too), so the page's Content-Security-Policy needs no
// exception.
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const RESULT_PAGE_CSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.4rem}h1.ok{color:#007a5a}h1.failed{color:#b00020}p.hint{color:#555}
button{font:inherit;background:#007a5a;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer}
`;

export function resultPage(input: { title: string; message: string; hint: string; ok: boolean; link?: { href: string; text: string } }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" href="/assets/result-page.css"></head>
<body><h1 class="${input.ok ? 'ok' : 'failed'}">${escapeHtml(input.title)}</h1><p>${escapeHtml(input.message)}</p><p class="hint">${escapeHtml(input.hint)}</p>${input.link ? `<p><a id="next" href="${escapeHtml(input.link.href)}">${escapeHtml(input.link.text)}</a></p>` : ''}</body></html>`;
}
