/** CPU from /proc (Linux): a stat file's utime + stime, in ms (10 ms ticks); NaN where it cannot be read. */
import { readFileSync } from 'node:fs';

export function statCpuMs(path: string): number {
  try {
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}
