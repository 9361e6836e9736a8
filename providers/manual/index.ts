/** manual adapter: tells the operator what to add or remove and waits for confirmation. */
import {
  cancelled,
  normalizeFqdn,
  ProviderConfigError,
  readCredentials,
  type DnsProvider,
  type ManualStep,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  readCredentials(meta, env);
  const { output, confirm } = opts;
  if (!output || !confirm) {
    throw new ProviderConfigError(
      `${meta.name}: needs a terminal, to show the record and wait for Enter once it is published; stdin or stderr is not one here (in automation, use a provider with an API: acme-preflight providers)`,
      meta.code,
    );
  }

  const step = async (s: Omit<ManualStep, 'message'>, signal?: AbortSignal) => {
    const what = `waiting for the operator to ${s.action} ${s.fqdn} TXT`;
    if (signal?.aborted) throw cancelled(meta.code, what, signal);
    const message =
      s.action === 'add'
        ? `Add this TXT record (keep any other TXT values at that name):\n  ${s.fqdn}. 120 IN TXT "${s.value}"\nPress Enter once it is published.\n`
        : `You may now remove this TXT record (only this value):\n  ${s.fqdn}. IN TXT "${s.value}"\n`;
    output.write(message);
    // The confirmation is given the signal to stop listening; the race makes the call end even if it does not.
    let onAbort = (): void => undefined;
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(cancelled(meta.code, what, signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([confirm({ ...s, message }, signal), stopped]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      await step({ action: 'add', fqdn: name, value }, signal);
      const handle: RecordHandle = { provider: meta.code, fqdn: name, value };
      return handle;
    },
    async deleteTxt(handle, signal) {
      await step({ action: 'remove', fqdn: handle.fqdn, value: handle.value }, signal);
    },
  };
}
