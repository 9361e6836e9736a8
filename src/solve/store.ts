/** The records this tool created, kept in a small JSON file so a later run can remove exactly those. */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RecordHandle } from '../../providers/types.js';
import { UsageError } from '../errors.js';

/** A state file that cannot be read, parsed or written: one line naming it and what to do (exit 2). */
export class StateFileError extends UsageError {
  constructor(
    readonly path: string,
    problem: string,
    fix: string,
  ) {
    super(`state file ${path} ${problem}: ${fix}`);
  }
}

const ANOTHER = 'or pass another path with --state-file';

/** A file system error on the state file, in words (never the raw errno text or a parser message). */
function fsProblem(path: string, e: unknown, doing: 'read' | 'write'): StateFileError {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR':
      return new StateFileError(path, 'is a directory', `give the path of a file inside it, ${ANOTHER}`);
    case 'EACCES':
    case 'EPERM':
      return new StateFileError(
        path,
        `cannot be ${doing === 'read' ? 'read' : 'written'} (permission denied)`,
        `fix its permissions, ${ANOTHER}`,
      );
    case 'ENOTDIR':
      return new StateFileError(path, 'is below a file, not a directory', ANOTHER);
    case 'EROFS':
      return new StateFileError(path, 'is on a read-only file system', ANOTHER);
    default:
      return new StateFileError(
        path,
        `cannot be ${doing === 'read' ? 'read' : 'written'} (${code ?? 'error'})`,
        ANOTHER,
      );
  }
}

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

  /** Reads the file once so a broken one is a usage error before any record is created. */
  check(): this {
    this.list();
    return this;
  }

  list(): StoredRecord[] {
    if (!this.path) return [...this.memory];
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fsProblem(this.path, e, 'read');
    }
    if (text.trim() === '') return [];
    const corrupt = (what: string): StateFileError =>
      new StateFileError(
        this.path!,
        what,
        'it lists the test records this tool created; remove any leftover _acme-challenge TXT records by hand, then delete or move the file',
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw corrupt('is not valid JSON (corrupt or truncated)');
    }
    const records = (parsed as Partial<StoreFile> | null)?.records;
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      (records !== undefined && !Array.isArray(records))
    )
      throw corrupt('is not an acme-preflight state file');
    return (records ?? []).filter(
      (r): r is StoredRecord =>
        typeof r === 'object' && r !== null && typeof (r as StoredRecord).handle?.fqdn === 'string',
    );
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
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ version: 1, records } satisfies StoreFile, null, 2) + '\n', {
        mode: 0o600,
      });
      renameSync(tmp, this.path);
    } catch (e) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing was written
      }
      throw fsProblem(this.path, e, 'write');
    }
  }
}

export const handleKey = (h: RecordHandle): string =>
  JSON.stringify(Object.entries(h).sort(([a], [b]) => (a < b ? -1 : 1)));
