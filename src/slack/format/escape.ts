// Text conversions at the Slack boundary. Outbound: visitor text is escaped so it can never
// become a mention, a broadcast (<!channel>) or a link. Inbound: Slack markup becomes the
// plain text a visitor should read.

/** Slack's three control characters; after this, `<!here>` renders as text. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack mrkdwn → plain text for the visitor. `<@U1>` → `@name` when a name is known (else the id),
 * `<url|label>` → `label (url)`, `<url>` → `url`, `<!here>` → `@here`, `<#C1|general>` → `#general`.
 */
export function slackMarkupToPlainText(text: string, userName: (id: string) => string | undefined = () => undefined): string {
  const replaced = text.replace(/<([^<>]+)>/g, (_whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith('@')) return `@${label ?? userName(target.slice(1)) ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      const special = target.slice(1).split('^')[0] ?? '';
      return label ?? `@${special}`;
    }
    return label && label !== target ? `${label} (${target})` : target;
  });
  return replaced.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
