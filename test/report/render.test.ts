import { buildReport, exitCodeFor, SCHEMA_VERSION } from '../../src/report/report.js';
import { renderJson } from '../../src/report/render/json.js';
import { renderText } from '../../src/report/render/text.js';
import { escapeMarkdown, renderMarkdown } from '../../src/report/render/markdown.js';
import { finding, allCodes, type FindingCode } from '../../src/report/catalogue.js';
import type { Finding } from '../../src/report/finding.js';

const nx = (id: string): Finding =>
  finding('DNS_NXDOMAIN', id, {
    detail: `The authoritative servers say ${id} does not exist.`,
    caMessage: `DNS problem: NXDOMAIN looking up A for ${id} - check that a DNS record exists for this domain`,
    evidence: [{ source: 'ns1.test (127.0.1.2:53)', query: `A ${id}`, answer: 'NXDOMAIN (aa)', rttMs: 3 }],
    remediation: `Create "${id}. 300 IN A <ip>".`,
  });

const info = (id: string): Finding =>
  finding('DNS_RESOLVED', id, {
    detail: 'ok',
    evidence: [{ source: 'x', answer: 'A 1.2.3.4' }],
    remediation: 'None needed.',
  });

function sample(findingsA: Finding[], findingsB: Finding[]) {
  return buildReport({
    version: '9.9.9',
    ca: 'letsencrypt.org',
    identifiers: [
      { identifier: 'a.test', input: 'A.test.', type: 'dns', challenge: 'http-01', findings: findingsA },
      { identifier: 'b.test', input: 'b.test', type: 'dns', challenge: 'http-01', findings: findingsB },
    ],
    orderFindings: [],
    durationMs: 1234.4,
    dnsQueries: 17,
    now: new Date('2026-11-23T00:00:00Z'),
  });
}

describe('report model', () => {
  it('derives verdicts per identifier and overall, and the exit code', () => {
    const r = sample([info('a.test'), nx('a.test')], [info('b.test')]);
    expect(r.identifiers.map((i) => i.verdict)).toEqual(['fail', 'pass']);
    expect(r.verdict).toBe('fail');
    expect(exitCodeFor(r)).toBe(1);
    // errors sort before info, whatever order the checks produced them in
    expect(r.identifiers[0]!.findings.map((f) => f.severity)).toEqual(['error', 'info']);
    expect(exitCodeFor(sample([info('a.test')], []))).toBe(0);
  });

  it('fills severity, title and ACME problem from the catalogue', () => {
    const f = nx('a.test');
    expect(f.severity).toBe('error');
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    // A code read from outside the type system (JSON, a plugin) is still refused at run time.
    const code = 'NO_SUCH_CODE' as FindingCode;
    expect(() => finding(code, 'x', { detail: '', evidence: [], remediation: '' })).toThrow(/catalogue/);
  });

  it('documents every code once with a description', () => {
    const codes = allCodes();
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
    for (const c of codes) expect(c.description.length).toBeGreaterThan(10);
  });
});

describe('renderers', () => {
  const report = sample([nx('a.test')], [info('b.test')]);

  it('JSON carries schemaVersion, verdicts and evidence', () => {
    const j = JSON.parse(renderJson(report));
    expect(j.schemaVersion).toBe(SCHEMA_VERSION);
    expect(j.verdict).toBe('fail');
    expect(j.identifiers[0].findings[0].evidence[0].source).toBe('ns1.test (127.0.1.2:53)');
    expect(j.identifiers[0].input).toBe('A.test.');
  });

  it('text puts the verdict first, groups by name, and has no colour codes unless asked', () => {
    const plain = renderText(report, { colour: false });
    expect(plain.split('\n')[0]).toMatch(/^FAIL\s+2 name\(s\), 1 would fail/);
    expect(plain).not.toContain('\u001b[');
    expect(plain.indexOf('a.test')).toBeLessThan(plain.indexOf('b.test'));
    expect(plain).toContain('CA would say: DNS problem: NXDOMAIN looking up A for a.test');
    expect(plain).toContain('Fix: Create "a.test. 300 IN A <ip>".');
    expect(renderText(report, { colour: true })).toContain('\u001b[31mFAIL');
    expect(renderText(report, { colour: false, quiet: true })).not.toContain('DNS_RESOLVED');
  });

  it('text is short by default: info is one line, evidence only for errors and warnings, -v shows all', () => {
    const r = sample([info('a.test')], []);
    const short = renderText(r, { colour: false });
    expect(short).toContain('  info DNS_RESOLVED: ');
    expect(short).not.toContain('A 1.2.3.4');
    expect(short).not.toContain('Fix: None needed.');
    const verbose = renderText(r, { colour: false, verbose: true });
    expect(verbose).toContain('- x: A 1.2.3.4');
    expect(verbose).toContain('Fix: None needed.');
  });

  it('a passing finding never carries "CA would say"; a repeated evidence line is shown once', () => {
    const ok = finding('DNS_RESOLVED', 'a.test', {
      detail: 'ok',
      caMessage: 'should not be shown',
      evidence: [],
      remediation: 'None needed.',
    });
    const twice = { source: 'ns1.test (127.0.1.2:53)', query: 'A a.test', answer: 'NXDOMAIN (aa)' };
    const err = finding('DNS_NXDOMAIN', 'a.test', {
      detail: 'gone',
      evidence: [twice, twice],
      remediation: 'r',
    });
    const r = sample([ok, err], []);
    for (const out of [renderText(r, { colour: false, verbose: true }), renderMarkdown(r)]) {
      expect(out).not.toContain('should not be shown');
      expect(out.split('NXDOMAIN (aa)').length).toBe(2);
    }
  });

  it('a finding about a zone is shown once, with the names it affects, in text, Markdown and annotations', async () => {
    const zone = (id: string) =>
      finding('DELEGATION_SINGLE_NS', id, {
        title: 'Only ns1.test serves zone test',
        detail: 'One nameserver.',
        evidence: [{ source: 'ns1.test (127.0.1.2:53)', query: 'NS test', answer: 'ns1.test' }],
        remediation: 'Add a second nameserver to zone test.',
      });
    const r = sample([zone('a.test'), nx('a.test')], [zone('b.test')]);
    const text = renderText(r, { colour: false });
    expect(text.split('Fix: Add a second nameserver').length).toBe(2);
    expect(text).toContain('For: a.test, b.test');
    expect(
      text.match(/DELEGATION_SINGLE_NS: Only ns1.test serves zone test \(shared by 2 names, below\)/g),
    ).toHaveLength(2);
    const md = renderMarkdown(r);
    expect(md.split('Add a second nameserver').length).toBe(2);
    expect(md).toContain('For: `a.test`, `b.test`');
    const { annotate } = await import('../../src/github/action.js');
    const warnings: string[] = [];
    annotate({ error: () => undefined, warning: (m: unknown) => void warnings.push(String(m)) } as never, r);
    expect(warnings).toEqual([
      'a.test, b.test: Only ns1.test serves zone test\nFix: Add a second nameserver to zone test.',
    ]);
  });

  it('text neutralises terminal control sequences from DNS data', () => {
    const evil = finding('DNS_NXDOMAIN', 'a.test', { detail: 'x\u001b[2Jy', evidence: [], remediation: 'r' });
    expect(renderText(sample([evil], []), { colour: false })).not.toContain('\u001b[2J');
  });

  it('markdown has a summary table and a details section per failing name', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| `a.test` | http-01 | ❌ fail | 1 | 0 |');
    expect(md).toContain('#### a.test');
    expect(md).toContain('<details><summary>Evidence</summary>');
  });

  it('markdown escaping defuses links, HTML, images and mentions from untrusted data', () => {
    const hostile =
      'see [click](https://evil.example) <img src=x onerror=alert(1)> @octocat ![i](x) www.evil.example';
    // Code spans render literally; everything outside them must be inert.
    const out = escapeMarkdown(hostile).replace(/`[^`\n]*`/g, '``');
    expect(out).not.toMatch(/\[click\]\(/);
    expect(out).not.toContain('<img');
    expect(out).not.toContain('@octocat');
    expect(out).not.toContain('https://');
    expect(out).not.toContain('www.evil');
    expect(out).not.toContain('![');
    const evil = finding('DNS_NXDOMAIN', 'a.test', { detail: hostile, evidence: [], remediation: hostile });
    const md = renderMarkdown(sample([evil], [])).replace(/`[^`\n]*`/g, '``');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('@octocat');
  });

  it('markdown shows commands in a fix as code and URLs whole, with no invisible characters', () => {
    const f = finding('DNS01_CLEANUP_FAILED', 'a.test', {
      detail: 'see https://example.com/docs?a=1 and www.example.com',
      evidence: [],
      remediation: 'Remove it with `acme-preflight dns01 cleanup --stale` (mail hostmaster@example.com).',
    });
    const md = renderMarkdown(sample([f], []));
    expect(md).toContain(
      '**Fix:** Remove it with `acme-preflight dns01 cleanup --stale` \\(mail `hostmaster@example.com`\\).',
    );
    expect(md).toContain('see `https://example.com/docs?a=1` and `www.example.com`');
    expect(md).not.toMatch(/[\u200b-\u200d\u2060\ufeff]/);
  });
});
