// "Proof against a real CA": every corpus case (test/e2e/corpus/cases.ts) is judged by acme-preflight
// and by a real order at Pebble; the verdicts must agree, and acme-preflight's first error must name
// Pebble's cause. Where Pebble and Let's Encrypt differ, each is held to its own documented rule.
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import acme from 'acme-client';
import { acmeProblem } from '../../src/report/finding.js';
import { loadStackEnv } from './stackEnv.js';
import { CASES, PEBBLE_CAUSES, type CorpusCase } from './corpus/cases.js';
import {
  acmeChallengeName,
  corpusProfile,
  createPebbleOrder,
  publishTxt,
  removeToken,
  runPreflight,
  validateAtPebble,
  waitForTxt,
  withTag,
  writeToken,
  type PebbleOrder,
  type PebbleOutcome,
  type PreflightOutcome,
} from './corpus/harness.js';

const env = loadStackEnv();
const profile = corpusProfile(env);
const tag = randomBytes(3).toString('hex');

interface CaseResult {
  identifier: string;
  preflight?: PreflightOutcome;
  pebble?: PebbleOutcome;
  error?: string;
}
const results = new Map<string, CaseResult>();

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function runCase(
  client: acme.Client,
  c: CorpusCase,
  p: PebbleOrder,
  identifier: string,
): Promise<CaseResult> {
  const expected = p.keyAuthorization;
  try {
    const [pre, peb] = await Promise.all([
      runPreflight(env, profile, c, identifier, expected),
      validateAtPebble(client, p, identifier),
    ]);
    return { identifier, preflight: pre, pebble: peb };
  } catch (e) {
    return { identifier, error: errText(e) };
  } finally {
    if (c.challenge === 'http-01') await removeToken(env, p);
  }
}

beforeAll(async () => {
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: readFileSync(env.pebble.caCert) });
  acme.setLogger(() => undefined);
  mkdirSync(join(env.webroot, '.well-known', 'acme-challenge'), { recursive: true });
  const client = new acme.Client({
    directoryUrl: env.pebble.directoryUrl,
    accountKey: await acme.crypto.createPrivateKey(),
    backoffMin: 100,
    backoffMax: 500,
  });
  await client.createAccount({ termsOfServiceAgreed: true });

  // 1. One order per case; its challenge fixes the value the CA will look for.
  const orders = await Promise.all(
    CASES.map(async (c) => {
      const identifier = withTag(c.identifier, tag);
      try {
        return { c, identifier, order: await createPebbleOrder(client, c, identifier) };
      } catch (e) {
        results.set(c.id, { identifier, error: `order: ${errText(e)}` });
        return undefined;
      }
    }),
  );
  const ready = orders.filter((o): o is NonNullable<typeof o> => o !== undefined);

  // 2. Provision: token files for HTTP-01, one TSIG-signed update for every DNS-01 record set.
  const records = ready
    .filter(({ c }) => c.challenge === 'dns-01' && c.txt)
    .map(({ c, identifier, order }) => ({
      name: c.txt?.at ? withTag(c.txt.at, tag) : acmeChallengeName(identifier),
      values: c.txt ? c.txt.values(order.keyAuthorization) : [],
    }));
  await Promise.all(
    ready.filter(({ c }) => c.challenge === 'http-01').map(({ order }) => writeToken(env, order)),
  );
  const extra = ready.flatMap(({ c }) =>
    (c.extraRecords ?? []).map((x) => ({ ...x, name: withTag(x.name, tag) })),
  );
  await publishTxt(env, records, extra);
  await Promise.all(records.map((r) => waitForTxt(env, r.name, r.values)));

  // 3. Both judges, every case at once.
  await Promise.all(
    ready.map(async ({ c, identifier, order }) =>
      results.set(c.id, await runCase(client, c, order, identifier)),
    ),
  );

  const rows = CASES.map((c) => {
    const r = results.get(c.id);
    const first = r?.preflight?.firstError;
    return [
      c.id.padEnd(28),
      `preflight=${r?.preflight?.verdict ?? '-'}${first ? ` (${first.code})` : ''}`.padEnd(52),
      `pebble=${r?.pebble?.verdict ?? '-'}${r?.pebble?.problem ? ` (${r.pebble.problem.type}: ${r.pebble.problem.detail.slice(0, 90)})` : ''}`,
      r?.error ? ` ERROR ${r.error}` : '',
    ].join(' ');
  });
  writeFileSync(
    join(env.workdir, 'corpus-results.json'),
    JSON.stringify(Object.fromEntries(results), null, 2),
  );
  process.stdout.write(`corpus (tag ${tag}):\n${rows.join('\n')}\n`);
}, 200_000);

describe('scenario corpus: acme-preflight against Pebble', () => {
  test('has at least 25 cases over both challenges, with unique ids', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    expect(CASES.filter((c) => c.challenge === 'dns-01').length).toBeGreaterThanOrEqual(8);
    expect(CASES.filter((c) => c.challenge === 'http-01').length).toBeGreaterThanOrEqual(15);
  });

  test.each(CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = results.get(c.id);
    expect(r?.error).toBeUndefined();
    const pre = r?.preflight;
    const peb = r?.pebble;
    if (!pre || !peb) throw new Error(`${c.id}: no result`);

    // Pebble, against Pebble's own rules.
    // (objectContaining: a failure prints everything that was seen.)
    expect({ pebble: peb.verdict, problem: peb.problem }).toEqual(
      expect.objectContaining({ pebble: c.pebble.verdict }),
    );
    if (c.pebble.verdict === 'fail') {
      if (c.pebble.type) expect(peb.problem?.type).toBe(acmeProblem(c.pebble.type));
      if (c.pebble.detail) expect(peb.problem?.detail).toMatch(c.pebble.detail);
    }

    // acme-preflight, against Let's Encrypt's documented rules.
    const seen = {
      preflight: pre.verdict,
      codes: pre.codes,
      first: pre.firstError?.caMessage ?? pre.firstError?.detail,
    };
    expect(seen).toEqual(expect.objectContaining({ preflight: c.le.verdict }));
    if (c.le.includes) expect(pre.codes).toEqual(expect.arrayContaining(c.le.includes));
    const first = pre.firstError;
    if (c.le.verdict === 'fail') {
      if (c.le.codes) expect(c.le.codes).toContain(first?.code);
      if (c.le.type) expect(first?.acmeProblem).toBe(acmeProblem(c.le.type));
      if (c.le.detail) expect(first?.caMessage ?? first?.detail).toMatch(c.le.detail);
    }

    // Where the CAs agree: same verdict, and the first error names Pebble's cause.
    if (!c.differs) {
      expect(pre.verdict).toBe(peb.verdict);
      if (first) {
        const cause = PEBBLE_CAUSES[first.code]?.[c.challenge];
        expect({ code: first.code, mapped: cause !== undefined }).toEqual({ code: first.code, mapped: true });
        if (cause) {
          expect(peb.problem?.type).toBe(acmeProblem(cause.type));
          expect(peb.problem?.detail).toMatch(cause.detail);
        }
      }
    }
  });
});
