/** The records this tool created, kept in a small JSON file so a later run can remove exactly those. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RecordHandle } from '../../providers/types.js';

/** Values of the throw-away records placed by `check --provider`; `cleanup --stale` removes only these. */
export const TEST_VALUE_PREFIX = 'acme-preflight-test-';

export interface StoredRecord {
  handle: RecordHandle;
  /** ISO time of creation. */
  createdAt: string;
  /** 'test' for the test-record flow, 'present' for `dns01 present`. */
  purpose: 'test' | 'present';
}

interface StoreFile {
  version: 1;
  records: StoredRecord[];
}

/** `$XDG_STATE_HOME/acme-preflight/records.json`, else `~/.local/state/...`; env is passed in. */
export function defaultStatePath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const base = env.XDG_STATE_HOME || (env.HOME ? join(env.HOME, '.local', 'state') : undefined);
  return base ? join(base, 'acme-preflight', 'records.json') : undefined;
}

export class RecordStore {
  /** Without a path it lives in memory only (library use, tests). */
  constructor(readonly path?: string) {}
  private memory: StoredRecord[] = [];

  list(): StoredRecord[] {
    if (!this.path) return [...this.memory];
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const parsed = JSON.parse(text) as Partial<StoreFile>;
    return Array.isArray(parsed.records) ? parsed.records : [];
  }

  add(handle: RecordHandle, purpose: StoredRecord['purpose'], now = new Date()): void {
    this.write([...this.list(), { handle, purpose, createdAt: now.toISOString() }]);
  }

  remove(handle: RecordHandle): void {
    const key = handleKey(handle);
    this.write(this.list().filter((r) => handleKey(r.handle) !== key));
  }

  private write(records: StoredRecord[]): void {
    if (!this.path) {
      this.memory = records;
      return;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, records } satisfies StoreFile, null, 2) + '\n', {
      mode: 0o600,
    });
    renameSync(tmp, this.path);
  }
}

export const handleKey = (h: RecordHandle): string =>
  JSON.stringify(Object.entries(h).sort(([a], [b]) => (a < b ? -1 : 1)));
