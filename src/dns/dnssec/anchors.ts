/** Trust anchors in presentation format (DS and DNSKEY lines, as in unbound's trust-anchor-file). */
import { readFile } from 'node:fs/promises';
import { normalizeName } from '../names.js';

export interface TrustAnchor {
  /** Zone, lower-case, no trailing dot ('' for the root). */
  zone: string;
  type: 'DS' | 'DNSKEY';
  /** RDATA in wire form. */
  rdata: Buffer;
  /** The source line, for evidence. */
  text: string;
}

/** Strips ';' comments (outside quotes) and joins parenthesised continuations into logical lines. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const raw of text.split(/\r?\n/)) {
    let line = '';
    let quoted = false;
    for (const ch of raw) {
      if (ch === '"') quoted = !quoted;
      if (ch === ';' && !quoted) break;
      if (ch === '(' && !quoted) {
        depth++;
        line += ' ';
        continue;
      }
      if (ch === ')' && !quoted) {
        depth = Math.max(0, depth - 1);
        line += ' ';
        continue;
      }
      line += ch;
    }
    cur += ' ' + line;
    if (depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);

/** Parses one DS or DNSKEY presentation line; throws with a reason. */
export function parseAnchorLine(line: string): TrustAnchor {
  const tokens = line.trim().split(/\s+/);
  const owner = tokens[0];
  if (!owner) throw new Error('empty trust anchor line');
  let i = 1;
  while (
    i < tokens.length &&
    (/^\d+$/.test(tokens[i] as string) || CLASSES.has((tokens[i] as string).toUpperCase()))
  )
    i++;
  const type = (tokens[i] ?? '').toUpperCase();
  const rest = tokens.slice(i + 1);
  const zone = normalizeName(owner);
  if (type === 'DS') {
    const [tag, alg, dt, ...hex] = rest;
    const digest = hex.join('');
    if (
      !/^\d+$/.test(tag ?? '') ||
      !/^\d+$/.test(alg ?? '') ||
      !/^\d+$/.test(dt ?? '') ||
      !/^([0-9a-fA-F]{2})+$/.test(digest)
    )
      throw new Error(`malformed DS trust anchor: ${line}`);
    const head = Buffer.alloc(4);
    head.writeUInt16BE(Number(tag), 0);
    head[2] = Number(alg);
    head[3] = Number(dt);
    return { zone, type, rdata: Buffer.concat([head, Buffer.from(digest, 'hex')]), text: line };
  }
  if (type === 'DNSKEY') {
    const [flags, proto, alg, ...b64] = rest;
    const key = b64.join('');
    if (
      !/^\d+$/.test(flags ?? '') ||
      !/^\d+$/.test(proto ?? '') ||
      !/^\d+$/.test(alg ?? '') ||
      !/^[A-Za-z0-9+/=]+$/.test(key)
    )
      throw new Error(`malformed DNSKEY trust anchor: ${line}`);
    const head = Buffer.alloc(4);
    head.writeUInt16BE(Number(flags), 0);
    head[2] = Number(proto);
    head[3] = Number(alg);
    return { zone, type, rdata: Buffer.concat([head, Buffer.from(key, 'base64')]), text: line };
  }
  throw new Error(`trust anchor is neither DS nor DNSKEY: ${line}`);
}

/** Parses trust anchors from text (or a list of lines); lines that are not DS/DNSKEY are errors. */
export function parseTrustAnchors(input: string | readonly string[]): TrustAnchor[] {
  const text = typeof input === 'string' ? input : input.join('\n');
  return logicalLines(text)
    .filter((l) => !l.startsWith('$'))
    .map(parseAnchorLine);
}

/** Reads a trust-anchor file (zone-file format, as unbound's trust-anchor-file). */
export async function readTrustAnchorFile(path: string): Promise<TrustAnchor[]> {
  return parseTrustAnchors(await readFile(path, 'utf8'));
}
