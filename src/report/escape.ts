/**
 * DNS data, HTTP headers and bodies, provider messages are untrusted text. Printed raw, a newline or
 * carriage return starts a forged line ("PASS all checks ok"), an ANSI escape rewrites the terminal and a
 * bidirectional override reorders what the reader sees (CVE-2021-42574, "Trojan Source"). Every text
 * rendering passes such values through escapeControls, which makes each of these characters visible.
 */

/**
 * C0 controls (newline, CR and ESC included), DEL, C1 controls (U+009B is a one-byte CSI), the bidi
 * marks, embeddings, overrides and isolates (Unicode UAX #9), and the line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

const visible = (c: string): string => {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** The text with every control, bidi and line-separator character written as a visible escape (\n, \e, \u202e). */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** Whether s holds a character escapeControls would rewrite. */
export const hasControls = (s: string): boolean => {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
};
