/**
 * How text that came from outside (a client's path, a line of a user's file) appears in a message: one
 * line, bounded, with control characters shown as escapes, so that nothing a file holds can move a
 * terminal's cursor, change its colours or forge log lines.
 */

/** C0 and C1 control characters, DEL, and the Unicode line/paragraph separators and bidi overrides. */
function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `text` with every control character written as `\xNN` / `\uNNNN` (tabs and newlines included). */
export function escapeControl(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControl(code)) continue;
    out += text.slice(start, i);
    out +=
      code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** At most `max` characters of `text` (its start), escaped, with "…" when cut. */
export function excerpt(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  return escapeControl(cut) + (cut.length < text.length ? '…' : '');
}

/** A path in a message: escaped, at most ~200 characters (its start and its end, where the name is). */
export function shortPath(p: string): string {
  const clean = escapeControl(p);
  return clean.length <= 200 ? clean : `${clean.slice(0, 100)}…${clean.slice(-99)}`;
}
