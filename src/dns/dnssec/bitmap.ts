/** NSEC/NSEC3 type bit maps (RFC 4034 §4.1.2). */

/** Decodes a type bit map; malformed windows end the parse (the types seen so far are kept). */
export function parseTypeBitmap(buf: Buffer): Set<number> {
  const types = new Set<number>();
  let p = 0;
  while (p + 2 <= buf.length) {
    const win = buf[p] as number;
    const len = buf[p + 1] as number;
    if (len < 1 || len > 32 || p + 2 + len > buf.length) break;
    for (let i = 0; i < len; i++) {
      const b = buf[p + 2 + i] as number;
      for (let j = 0; j < 8; j++) if (b & (0x80 >> j)) types.add(win * 256 + i * 8 + j);
    }
    p += 2 + len;
  }
  return types;
}

export function encodeTypeBitmap(types: Iterable<number>): Buffer {
  const windows = new Map<number, number[]>();
  for (const t of types) {
    const w = t >> 8;
    const bytes = windows.get(w) ?? [];
    const idx = (t & 0xff) >> 3;
    while (bytes.length <= idx) bytes.push(0);
    bytes[idx] = (bytes[idx] as number) | (0x80 >> (t & 7));
    windows.set(w, bytes);
  }
  const parts: Buffer[] = [];
  for (const w of [...windows.keys()].sort((a, b) => a - b)) {
    const bytes = windows.get(w) as number[];
    parts.push(Buffer.from([w, bytes.length, ...bytes]));
  }
  return Buffer.concat(parts);
}
