/// <reference lib="dom" />
/**
 * The web page in a real browser (Debian's chromium, headless) against the lab: submit, live progress,
 * the verdict and first error the CLI gives, a finding's fix, the permalink; hostile DNS/HTTP data as text.
 */
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { cli, labFlags } from '../cli/helpers.js';
import { launchBrowser, type Browser } from './browser.js';
import { request, serveLab, waitEnded, type Served } from './helpers.js';

const SCENARIOS = join(process.cwd(), 'fixtures', 'scenarios');
jest.setTimeout(60_000);

/** SERVE_SCREENSHOTS=docs npm test -- test/serve/browser.test.ts refreshes the README's pictures. */
const shot = async (page: Page, file: string): Promise<void> => {
  const dir = process.env.SERVE_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, file), fullPage: true });
};

interface PageIdentifier {
  identifier: string;
  verdict: string;
  firstError?: string;
  fix?: string;
}

const pageIdentifiers = (page: Page): Promise<PageIdentifier[]> =>
  page.$$eval('section.identifier[data-identifier]', (sections) =>
    sections.map((s) => {
      const err = s.querySelector('article.sev-error');
      return {
        identifier: s.getAttribute('data-identifier') ?? '',
        verdict: s.getAttribute('data-verdict') ?? '',
        firstError: err?.getAttribute('data-code') ?? undefined,
        fix: err?.querySelector('.fix')?.textContent?.replace(/^Fix:\s*/, '') ?? undefined,
      };
    }),
  );

describe('web page in chromium', () => {
  let s: Served;
  let browser: Browser;
  beforeAll(async () => {
    [s, browser] = await Promise.all([serveLab(join(SCENARIOS, 'demo.yaml')), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('submit, watch progress, see the verdict and first error of the CLI, a fix, the permalink', async () => {
    // One slow name keeps the check running long enough to see progress arrive live.
    s.lab.setFault('ns1.dns.example-lab', { delayMs: 250, names: ['internal.example-lab'] });
    s.lab.setFault('ns2.dns.example-lab', { delayMs: 250, names: ['internal.example-lab'] });
    const names = ['caa.example-lab', 'internal.example-lab'];
    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${s.url}/`);
    await page.fill('#names', names.join('\n'));
    await page.selectOption('#challenge', 'http-01');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/checks\/[A-Za-z0-9_-]{22}$/);
    await page.waitForSelector('#progress');
    // Progress arrives over the event stream while the page stays put: one of two done.
    await page.waitForFunction(() => document.getElementById('done')?.textContent === '1', undefined, {
      timeout: 20_000,
    });
    expect(await page.locator('#finished li').count()).toBe(1);
    await page.waitForSelector('#verdict', { timeout: 30_000 });

    const shown = await pageIdentifiers(page);
    await shot(page, 'serve-page.png');
    s.lab.setFault('ns1.dns.example-lab', undefined);
    s.lab.setFault('ns2.dns.example-lab', undefined);
    const run = await cli(['check', ...names, ...labFlags(s.lab), '--format', 'json']);
    const report = JSON.parse(run.stdout) as {
      verdict: string;
      identifiers: {
        identifier: string;
        verdict: string;
        findings: { severity: string; code: string; remediation: string }[];
      }[];
    };
    expect(await page.getAttribute('#verdict', 'data-verdict')).toBe(report.verdict);
    expect(shown.map(({ identifier, verdict, firstError }) => ({ identifier, verdict, firstError }))).toEqual(
      report.identifiers.map((i) => ({
        identifier: i.identifier,
        verdict: i.verdict,
        firstError: i.findings.find((f) => f.severity === 'error')?.code,
      })),
    );
    // A finding with its fix, as the CLI words it.
    const caa = shown.find((i) => i.identifier === 'caa.example-lab')!;
    const cliCaa = report.identifiers.find((i) => i.identifier === 'caa.example-lab')!;
    expect(caa.fix).toBe(cliCaa.findings.find((f) => f.severity === 'error')!.remediation);
    // Evidence is folded.
    expect(await page.locator('details.evidence').first().getAttribute('open')).toBeNull();

    // The permalink opens the same result in a new tab.
    const href = await page.getAttribute('#permalink', 'href');
    expect(await page.textContent('#permalink')).toBe(`${s.url}${href}`);
    const again = await browser.context.newPage();
    await again.goto(`${s.url}${href}`);
    expect(await again.getAttribute('#verdict', 'data-verdict')).toBe(report.verdict);
    expect(await pageIdentifiers(again)).toEqual(shown);
    expect(violations).toEqual([]);
    await Promise.all([page.close(), again.close()]);
  });

  it('fits a phone screen: no horizontal scrolling', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    const r = await request(`${s.url}/v1/checks`, {
      body: { names: ['www.shop.example-lab', 'lame.example-lab'] },
    });
    const { id } = r.json<{ id: string }>();
    await waitEnded(s.url, id);
    await page.goto(`${s.url}/checks/${id}`);
    await page.waitForSelector('#verdict');
    await shot(page, 'serve-phone.png');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});

describe('hostile DNS and HTTP data in chromium', () => {
  let s: Served;
  let browser: Browser;
  beforeAll(async () => {
    [s, browser] = await Promise.all([serveLab(join(SCENARIOS, 'hostile-page.yaml')), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it.each([
    ['caa.evil.example-lab', 'http-01', '<img src=x onerror=alert(1)>'],
    ['web.evil.example-lab', 'http-01', '<script>document.title="pwned"</script>'],
    ['txt.evil.example-lab', 'dns-01', "<script>document.title='pwned'</script>"],
  ])('%s (%s): the markup shows as text and nothing runs', async (name, challenge, markup) => {
    const r = await request(`${s.url}/v1/checks`, { body: { names: [name], challenge } });
    const { id } = r.json<{ id: string }>();
    await waitEnded(s.url, id);
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${s.url}/checks/${id}`);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.waitForSelector('#verdict');
    // Open every fold so the evidence is rendered too.
    await page.$$eval('details', (ds) => ds.forEach((d) => d.setAttribute('open', '')));
    const text = await page.textContent('main');
    expect(text).toContain(markup);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    await page.waitForTimeout(100);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
