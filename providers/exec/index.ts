/** exec adapter: runs the program as lego's default mode does, without a shell. */
import { execFile } from 'node:child_process';
import {
  cancelled,
  normalizeFqdn,
  ProviderConfigError,
  ProviderError,
  readCredentials,
  secondsFrom,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

const DEFAULT_TIMEOUT_S = 60;

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const program = c.EXEC_PATH!;
  if (c.EXEC_MODE !== undefined && c.EXEC_MODE !== '') {
    throw new ProviderConfigError(
      `${meta.name}: EXEC_MODE=${c.EXEC_MODE} is not supported: RAW mode passes the domain, token and key authorization, which a preflight does not have; unset EXEC_MODE`,
      meta.code,
    );
  }
  const timeoutMs =
    opts.timeoutMs ?? secondsFrom(meta, 'EXEC_TIMEOUT', c.EXEC_TIMEOUT, DEFAULT_TIMEOUT_S) * 1000;

  const run = (action: 'present' | 'cleanup', fqdn: string, value: string, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const what = `${program} ${action} ${fqdn}.`;
      if (signal?.aborted) return reject(cancelled(meta.code, what, signal));
      // lego passes the FQDN with its trailing dot. An aborted signal kills the program (SIGTERM).
      execFile(
        program,
        [action, `${fqdn}.`, value],
        { timeout: timeoutMs, shell: false, ...(signal ? { signal } : {}) },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          if (signal?.aborted) return reject(cancelled(meta.code, what, signal));
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
          const why = e.killed
            ? `timed out after ${timeoutMs} ms`
            : typeof e.code === 'number'
              ? `exited with status ${e.code}`
              : `could not start (${String(e.code ?? e.message)})`;
          const tail = String(stderr).trim().split('\n').slice(-5).join('\n');
          reject(new ProviderError(`${what} ${why}${tail ? `: ${tail}` : ''}`, meta.code));
        },
      );
    });

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      await run('present', name, value, signal);
      const handle: RecordHandle = { provider: meta.code, fqdn: name, value };
      return handle;
    },
    async deleteTxt(handle, signal) {
      await run('cleanup', handle.fqdn, handle.value, signal);
    },
  };
}
