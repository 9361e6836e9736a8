/** The web page: server-rendered HTML; every value from DNS, HTTP or the client goes through `html`. */
import type { Evidence, Finding, Verdict } from '../report/finding.js';
import type { IdentifierReport, Report } from '../report/report.js';
import { html, type Html } from './html.js';
import type { CheckRequest, CheckView } from './checks.js';
import { ASSET_VERSION } from './assets.js';

export interface PageContext {
  /** Shown on every page when the operator allowed reserved ranges (labs only). */
  lab: boolean;
  namesPerCheck: number;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  pass: 'The CA would issue',
  warn: 'The CA would issue, with warnings',
  fail: 'The CA would refuse',
};

export function layout(title: string, body: Html, ctx: PageContext): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · acme-preflight</title>
        <link rel="stylesheet" href="/assets/style.css?v=${ASSET_VERSION}" />
        <script src="/assets/app.js?v=${ASSET_VERSION}" defer></script>
      </head>
      <body>
        <header>
          <a href="/" class="brand">acme-preflight</a> <span class="tag">would the CA issue?</span>
        </header>
        ${ctx.lab ? html`<p class="lab" role="note">Lab mode: reserved address ranges are allowed. Never expose this instance.</p>` : ''}
        <main>${body}</main>
        <footer>
          Checks run as Let's Encrypt validates: DNS from the root, CAA, HTTP-01 / DNS-01 / TLS-ALPN-01.
          <a href="/v1">API</a>
        </footer>
      </body>
    </html> `.value;
}

const CHALLENGES = ['http-01', 'dns-01', 'tls-alpn-01'] as const;

export function formPage(ctx: PageContext, prefill: Partial<CheckRequest> = {}, error?: string): string {
  const challenge = prefill.challenge ?? 'http-01';
  return layout(
    'Check a certificate order',
    html`<h1>Check before you ask the CA</h1>
      <form method="post" action="/checks" class="check">
        ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <label for="names"
          >Names <small>(one per line or separated by spaces; up to ${ctx.namesPerCheck})</small></label
        >
        <textarea
          id="names"
          name="names"
          rows="3"
          required
          autocapitalize="off"
          spellcheck="false"
          placeholder="example.com www.example.com"
        >
${(prefill.names ?? []).join('\n')}</textarea>
        <label for="challenge">Challenge</label>
        <select id="challenge" name="challenge">
          ${CHALLENGES.map((c) => html`<option value="${c}" ${c === challenge ? html` selected` : ''}>${c}</option>`)}
        </select>
        <label for="ca">CA <small>(CAA issuer domain or short name)</small></label>
        <input
          id="ca"
          name="ca"
          value="${prefill.ca ?? ''}"
          placeholder="letsencrypt.org"
          list="cas"
          autocapitalize="off"
          spellcheck="false"
        />
        <datalist id="cas">
          <option value="letsencrypt.org"></option>
          <option value="sectigo.com"></option>
          <option value="pki.goog"></option>
          <option value="buypass.com"></option>
          <option value="ssl.com"></option>
        </datalist>
        <label for="accountUri">ACME account URI <small>(optional, for CAA accounturi)</small></label>
        <input
          id="accountUri"
          name="accountUri"
          type="url"
          value="${prefill.accountUri ?? ''}"
          placeholder="https://acme-v02.api.letsencrypt.org/acme/acct/123"
          autocapitalize="off"
          spellcheck="false"
        />
        <button type="submit">Check</button>
      </form>`,
    ctx,
  );
}

export function checkPage(view: CheckView, ctx: PageContext): string {
  const names = view.request.names.join(', ');
  const permalink = `/checks/${view.id}`;
  const head = html`<p class="meta">
    Permalink: <a id="permalink" href="${permalink}">${permalink}</a> ·
    <a href="/v1/checks/${view.id}">JSON</a
    >${view.expiresAt ? html` · kept until <time datetime="${view.expiresAt}">${view.expiresAt.replace('T', ' ').slice(0, 16)} UTC</time>` : ''}
  </p>`;
  let body: Html;
  if (view.status === 'done' && view.report) body = reportView(view.report, head);
  else if (view.status === 'failed')
    body = html`${head}
      <section class="verdict verdict-error">
        <h1>No result</h1>
        <p>${view.error ?? 'The check could not run.'}</p>
      </section>
      <p><a href="/">Check again</a></p>`;
  else body = html`${progressView(view)}${head}`;
  return layout(`${names}`, body, ctx);
}

function progressView(view: CheckView): Html {
  const p = view.progress;
  return html`<section
    id="progress"
    class="progress"
    data-events="/v1/checks/${view.id}/events"
    aria-live="polite"
  >
    <h1>
      Checking
      ${view.request.names.length === 1 ? view.request.names[0] : `${view.request.names.length} names`}…
    </h1>
    <progress id="bar" max="${p.total}" value="${p.done}"></progress>
    <p id="count"><span id="done">${p.done}</span> of ${p.total} names done (${view.request.challenge})</p>
    <ol id="finished">
      ${p.finished.map((f) => html`<li class="v-${f.verdict}">${f.identifier}: ${f.verdict}</li>`)}
    </ol>
    <noscript><p>This page does not refresh without JavaScript: reload it to see the result.</p></noscript>
  </section>`;
}

/** Verdict first, then `meta` (the permalink), then each name's problems with their fixes. */
export function reportView(report: Report, meta: Html | string = ''): Html {
  const failing = report.identifiers.filter((i) => i.verdict === 'fail');
  const summary =
    report.identifiers.length === 1
      ? report.identifiers[0]!.identifier
      : `${report.identifiers.length} names, ${failing.length} would fail`;
  return html`<section
      id="verdict"
      class="verdict verdict-${report.verdict}"
      data-verdict="${report.verdict}"
    >
      <h1>${VERDICT_TEXT[report.verdict]}</h1>
      <p>
        ${summary} · CA ${report.ca} · ${report.stats.dnsQueries} DNS queries in
        ${(report.stats.durationMs / 1000).toFixed(1)} s
      </p>
    </section>
    ${meta}
    ${
      report.orderFindings.length
        ? html`<section class="identifier">
            <h2>The order</h2>
            ${report.orderFindings.map(findingView)}
          </section>`
        : ''
    }
    ${report.identifiers.map(identifierView)}`;
}

function identifierView(id: IdentifierReport): Html {
  const shown = id.input !== id.identifier ? `${id.identifier} (${id.input})` : id.identifier;
  const problems = id.findings.filter((f) => f.severity !== 'info');
  const info = id.findings.filter((f) => f.severity === 'info');
  return html`<section class="identifier" data-identifier="${id.identifier}" data-verdict="${id.verdict}">
    <h2><span class="badge v-${id.verdict}">${id.verdict}</span> ${shown} <small>${id.challenge}</small></h2>
    ${problems.length === 0 ? html`<p class="ok">No problem found.</p>` : problems.map(findingView)}
    ${
      info.length
        ? html`<details class="info">
            <summary>${info.length} note${info.length === 1 ? '' : 's'}</summary>
            ${info.map(findingView)}
          </details>`
        : ''
    }
  </section>`;
}

function findingView(f: Finding): Html {
  return html`<article class="finding sev-${f.severity}" data-code="${f.code}">
    <h3><span class="sev">${f.severity}</span> ${f.title}</h3>
    <p class="code"><code>${f.code}</code>${f.acmeProblem ? html` · <code>${f.acmeProblem}</code>` : ''}</p>
    <p class="detail">${f.detail}</p>
    ${f.caMessage ? html`<p class="ca">The CA would say: <q>${f.caMessage}</q></p>` : ''}
    <p class="fix"><strong>Fix:</strong> ${f.remediation}</p>
    ${f.evidence.length ? evidenceView(f.evidence) : ''}
  </article>`;
}

function evidenceView(evidence: Evidence[]): Html {
  return html`<details class="evidence">
    <summary>Evidence (${evidence.length})</summary>
    <ul>
      ${evidence.map(
        (e) =>
          html`<li>
            <span class="src">${e.source}</span>${e.query ? html` <span class="q">${e.query}</span> →` : ''}
            <span class="a">${e.answer}</span
            >${e.address ? html` <span class="addr">[${e.address}]</span>` : ''}${e.rttMs !== undefined ? html` <span class="rtt">${Math.round(e.rttMs)} ms</span>` : ''}
          </li>`,
      )}
    </ul>
  </details>`;
}

export function messagePage(title: string, message: string, ctx: PageContext): string {
  return layout(
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/">Start a check</a></p>`,
    ctx,
  );
}
