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

/** Text for a terminal: every control character escaped except the line breaks that shape the output. */
export function forTerminal(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
}

/**
 * JSON for a terminal: JSON.stringify leaves DEL, the C1 controls (0x9b starts an escape sequence on some
 * terminals) and the Unicode separators and bidi overrides as they are; here they become \u escapes, which
 * JSON readers decode back to the same text.
 */
export function jsonForTerminal(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
