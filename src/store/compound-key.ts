// Store: the one way a document _id is made of several IDs (org + conversation + field, team +
// channel + ts, ...), and back. Each part is percent-encoded (encodeURIComponent, which encodes
// ':' and '%') and the parts are joined with ':', so two different lists of parts never give the
// same key, and the IDs Slack and the platform use (letters, digits, '-', '_', '.') stay readable.
// The first format joined raw parts with NUL, which PostgreSQL's JSONB refuses (SQLSTATE 22P05,
// so FerretDB's PostgreSQL backend could not store them) and which a NUL inside an ID could make
// collide; legacy-keys.migration.ts rewrites documents stored with it.

// encodeURIComponent throws URIError on a lone UTF-16 surrogate, which hostile input (an ID in a
// forged-but-signed event) can carry: such a part is made well-formed first (U+FFFD), so a key is
// always made. No ID Slack or the platform issues holds one.
const wellFormed = (part: string) => part.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

export function compoundKey(...parts: string[]): string {
  return parts.map((part) => encodeURIComponent(wellFormed(part))).join(':');
}

/** The parts of a key compoundKey made (a key it did not make gives its one part back). */
export function splitCompoundKey(key: string): string[] {
  return key.split(':').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
}
