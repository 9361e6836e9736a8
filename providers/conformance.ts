/** Shared jest suite every adapter passes: additive create, exact delete, portable handles, safe errors. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createProvider } from './registry.js';
import {
  ProviderCancelledError,
  ProviderConfigError,
  type DnsProvider,
  type ProviderEnv,
  type ProviderMeta,
  type ProviderOptions,
  type RecordHandle,
} from './types.js';

export interface ConformanceHarness {
  meta: ProviderMeta;
  /** Valid credentials for the fake backend. */
  env: ProviderEnv;
  opts?: ProviderOptions;
  /** Name the suite creates records under. */
  fqdn: string;
  /** Values the backend currently holds under fqdn. */
  values(fqdn: string): Promise<string[]> | string[];
  /** Puts a value under fqdn as if someone else had created it. */
  seed(fqdn: string, value: string): Promise<void> | void;
  /** Makes the backend fail every further request, echoing the credentials it got. */
  breakBackend?(): void;
  /** Strings that must never show in an error (beyond env values of secret variables). */
  secrets?: string[];
  /** False when the provider cannot delete (acme-dns): the suite then checks delete is a harmless no-op. */
  deletes?: boolean;
  close?(): Promise<void>;
}

const A = 'a'.repeat(43);
const B = 'B-' + 'b'.repeat(41);
const OTHER = 'someone-elses-value';

export function runConformance(name: string, makeHarness: () => Promise<ConformanceHarness>): void {
  describe(`${name}: DnsProvider conformance`, () => {
    let h: ConformanceHarness;
    let p: DnsProvider;
    beforeEach(async () => {
      h = await makeHarness();
      p = await createProvider(h.meta.code, h.env, h.opts);
    });
    afterEach(async () => {
      await h.close?.();
    });

    const sorted = async (fqdn: string) => [...(await h.values(fqdn))].sort();

    it('is named by its code', () => {
      expect(p.name).toBe(h.meta.code);
    });

    it('create adds a TXT value and leaves other values under the name intact', async () => {
      await h.seed(h.fqdn, OTHER);
      const handle = await p.createTxt(h.fqdn, A);
      expect(handle.fqdn).toBe(h.fqdn);
      expect(handle.value).toBe(A);
      expect(await sorted(h.fqdn)).toEqual([OTHER, A].sort());
    });

    it('a second create with another value keeps both', async () => {
      await p.createTxt(h.fqdn, A);
      await p.createTxt(h.fqdn, B);
      expect(await sorted(h.fqdn)).toEqual([A, B].sort());
    });

    it('delete removes exactly its own record', async () => {
      await h.seed(h.fqdn, OTHER);
      const ha = await p.createTxt(h.fqdn, A);
      if (h.deletes === false) {
        await p.deleteTxt(ha);
        expect(await sorted(h.fqdn)).toEqual([OTHER, A].sort());
        return;
      }
      await p.createTxt(h.fqdn, B);
      await p.deleteTxt(ha);
      expect(await sorted(h.fqdn)).toEqual([OTHER, B].sort());
    });

    it('a second delete of the same handle does not throw and deletes nothing else', async () => {
      await h.seed(h.fqdn, OTHER);
      const ha = await p.createTxt(h.fqdn, A);
      await p.deleteTxt(ha);
      const after = await sorted(h.fqdn);
      await expect(p.deleteTxt(ha)).resolves.toBeUndefined();
      expect(await sorted(h.fqdn)).toEqual(after);
      expect(after).toContain(OTHER);
    });

    it('the handle survives a JSON round trip and a fresh adapter instance can delete with it', async () => {
      const ha = await p.createTxt(h.fqdn, A);
      const copy = JSON.parse(JSON.stringify(ha)) as RecordHandle;
      expect(copy).toEqual(ha);
      expect(copy.provider).toBe(h.meta.code);
      const fresh = await createProvider(h.meta.code, h.env, h.opts);
      await fresh.deleteTxt(copy);
      const left = await sorted(h.fqdn);
      if (h.deletes === false) expect(left).toContain(A);
      else expect(left).not.toContain(A);
    });

    it('a call whose signal has already aborted is not made: a cancellation error, nothing changed', async () => {
      await h.seed(h.fqdn, OTHER);
      const gone = AbortSignal.abort(new Error('SIGINT'));
      const create = await p.createTxt(h.fqdn, A, gone).catch((e: unknown) => e);
      expect(create).toBeInstanceOf(ProviderCancelledError);
      expect((create as Error).message).toMatch(/cancelled \(SIGINT\)/);
      expect(await sorted(h.fqdn)).toEqual([OTHER]);
      const ha = await p.createTxt(h.fqdn, A);
      if (h.deletes !== false) {
        await expect(p.deleteTxt(ha, gone)).rejects.toBeInstanceOf(ProviderCancelledError);
        expect(await sorted(h.fqdn)).toEqual([OTHER, A].sort());
      }
      await p.deleteTxt(ha, new AbortController().signal);
      if (h.deletes !== false) expect(await sorted(h.fqdn)).toEqual([OTHER]);
      if (p.zoneNameservers)
        await expect(p.zoneNameservers(h.fqdn, gone)).rejects.toBeInstanceOf(ProviderCancelledError);
    });

    it('missing credentials give one error naming every missing required variable', async () => {
      const required = h.meta.env.filter((v) => v.required).map((v) => v.name);
      const env: ProviderEnv = { ...h.env };
      for (const v of h.meta.env) {
        if (!v.required) continue;
        for (const n of [v.name, ...(v.aliases ?? [])]) {
          delete env[n];
          delete env[`${n}_FILE`];
        }
      }
      if (required.length === 0) {
        await expect(createProvider(h.meta.code, env, h.opts)).resolves.toBeDefined();
        return;
      }
      const err = await createProvider(h.meta.code, env, h.opts).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ProviderConfigError);
      const e = err as ProviderConfigError;
      expect([...e.missing].sort()).toEqual([...required].sort());
      for (const r of required) expect(e.message).toContain(r);
      expectNoSecret(h, e);
    });

    it('no secret appears in a thrown error', async () => {
      if (!h.breakBackend) {
        // Providers without a backend to break still must not leak in config errors.
        const err = await createProvider(h.meta.code, { ...h.env, ...allSecretsAsGarbage(h) }, h.opts).catch(
          (e: unknown) => e,
        );
        if (err instanceof Error) expectNoSecret(h, err);
        return;
      }
      const ha = await p.createTxt(h.fqdn, A);
      h.breakBackend();
      const errs = await Promise.all([
        p.createTxt(h.fqdn, B).then(
          () => undefined,
          (e: unknown) => e,
        ),
        p.deleteTxt(ha).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ]);
      expect(errs[0]).toBeInstanceOf(Error);
      for (const e of errs) if (e instanceof Error) expectNoSecret(h, e);
    });
  });
}

function allSecretsAsGarbage(h: ConformanceHarness): ProviderEnv {
  const out: ProviderEnv = {};
  for (const v of h.meta.env) if (!v.secret && !v.required) out[v.name] = 'not-a-number-%%';
  return out;
}

function expectNoSecret(h: ConformanceHarness, e: Error): void {
  const secrets = [
    ...h.meta.env.filter((v) => v.secret).flatMap((v) => [v.name, ...(v.aliases ?? [])].map((n) => h.env[n])),
    ...(h.secrets ?? []),
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
  expect(secrets.length > 0 || h.meta.env.every((v) => !v.secret)).toBe(true);
  const text = `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}`;
  for (const s of secrets) expect(text).not.toContain(s);
}
