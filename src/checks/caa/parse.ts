/** Parses an issue/issuewild value as Boulder does (va/caa.go parseCAARecord; RFC 8659 §4.2, RFC 8657). */

export interface CaaParameter {
  tag: string;
  value: string;
}

export type ParsedCaaValue =
  { ok: true; issuerDomain: string; parameters: CaaParameter[] } | { ok: false; error: string };

const trimWsp = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');
/** RFC 8659 §4.2: tag = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT)); Boulder checks alnum only. */
const TAG_CHARS = /^[A-Za-z0-9]*$/;
/** RFC 8659 §4.2: value = *(%x21-3A / %x3C-7E). */
const VALUE_CHARS = /^[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Issuer domain (may be '' for a record that forbids issuance, e.g. ";") and parameters.
 * A malformed parameter makes the whole record unusable: the CA skips it.
 */
export function parseCaaValue(value: string): ParsedCaaValue {
  const parts = value.split(';');
  const issuerDomain = trimWsp(parts[0] ?? '');
  const paramList = parts.slice(1);
  if (paramList.length === 1 && trimWsp(paramList[0] ?? '') === '') {
    return { ok: true, issuerDomain, parameters: [] };
  }
  const parameters: CaaParameter[] = [];
  for (const p of paramList) {
    const eq = p.indexOf('=');
    if (eq < 0) return { ok: false, error: `parameter not formatted as tag=value: ${JSON.stringify(p)}` };
    const tag = trimWsp(p.slice(0, eq));
    if (!TAG_CHARS.test(tag))
      return { ok: false, error: `tag contains disallowed character: ${JSON.stringify(tag)}` };
    const val = trimWsp(p.slice(eq + 1));
    if (!VALUE_CHARS.test(val))
      return { ok: false, error: `value contains disallowed character: ${JSON.stringify(val)}` };
    parameters.push({ tag, value: val });
  }
  return { ok: true, issuerDomain, parameters };
}

/** Presentation of a value built from parts: `letsencrypt.org; accounturi=...`. */
export function formatCaaValue(issuerDomain: string, parameters: readonly CaaParameter[]): string {
  return [issuerDomain, ...parameters.map((p) => `${p.tag}=${p.value}`)].join('; ');
}
