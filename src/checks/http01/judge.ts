/** Pure HTTP-01 judgement: evidence in, findings out (CA-RULES "HTTP-01"). */
import { applianceFor } from '../../http/appliance.js';
import { finding } from '../../report/catalogue.js';
import type { Evidence, Finding } from '../../report/finding.js';
import { attemptEvidence, type Http01Attempt, type Http01Result } from '../../http/fetch.js';
import type { RedirectRule } from '../../http/redirect.js';
import { cdnForHeaders } from '../../http/cdn-ranges.js';
import { MAX_BODY_BYTES, MAX_REDIRECTS_FOLLOWED } from '../../http/constants.js';
import type { AddressProbe, Http01Evidence } from './gather.js';
import { notProbedNote } from '../fan-out.js';
import { isWildcard } from '../../identifiers.js';

const WEBROOT_NGINX = 'location ^~ /.well-known/acme-challenge/ { root /var/www/acme; try_files $uri =404; }';

const REDIRECT_FIXES: Record<RedirectRule, string> = {
  'status-303': 'Use 301, 302, 307 or 308 for the redirect (303 is not followed by the CA).',
  status: 'Use 301, 302, 307 or 308 for the redirect.',
  'too-many': `Shorten the redirect chain to at most ${MAX_REDIRECTS_FOLLOWED} hops; redirect straight to the final URL.`,
  loop: 'Break the redirect loop: make the target serve the challenge file instead of redirecting back.',
  'bad-url': 'Send an absolute, well-formed URL in the Location header.',
  scheme: 'Redirect only to http:// or https:// URLs.',
  port: 'Redirect only to the default ports (80 or 443): remove the explicit port from the Location header.',
  'empty-host': 'Put a host name in the redirect target.',
  'well-known-host':
    "Fix the redirect target: a '/' is missing between the host and /.well-known (e.g. `return 301 https://$host$request_uri;`).",
  'public-suffix':
    'Redirect to a public DNS name (one ending in an ICANN public suffix), not an internal name.',
  'reserved-ip': 'Redirect to a public host name or address, not a private/reserved IP.',
  'path-too-long': 'Shorten the redirect target path (at most 2000 bytes).',
};

const attemptsEvidence = (r: Http01Result): Evidence[] =>
  r.evidence.length ? r.evidence : r.attempts.map(attemptEvidence);

/** The attempt the result rests on (the last one). */
const lastAttempt = (r: Http01Result): Http01Attempt | undefined => r.attempts[r.attempts.length - 1];

/** Does this pinned fetch show a healthy path (404 on a random token, or the expected answer)? */
export function isHealthy(r: Http01Result, randomToken: boolean): boolean {
  if (randomToken) return r.finalStatus === 404 && !r.problem?.rule;
  return r.ok;
}

/** A short label for how an address behaved. */
export function behaviour(r: Http01Result): string {
  if (r.problem?.rule) return `redirect rule ${r.problem.rule}`;
  const a = lastAttempt(r);
  if (!a) return r.problem?.type ?? 'no attempt';
  if (a.outcome !== 'response') return a.outcome;
  return `HTTP ${a.status}${r.ok ? ' ok' : ''}`;
}

export function judgeHttp01(ev: Http01Evidence): Finding[] {
  const id = ev.identifier;
  const out: Finding[] = [];
  if (isWildcard(id)) {
    return [
      finding('HTTP01_WILDCARD', id, {
        detail: `${id} is a wildcard; the CA never offers HTTP-01 for it.`,
        evidence: [{ source: 'local', answer: 'wildcard identifier' }],
        remediation: 'Use the DNS-01 challenge for wildcard names (e.g. certbot --preferred-challenges dns).',
      }),
    ];
  }
  // Reserved addresses the CA drops are reported once, by the resolution checks (ADDRESS_RESERVED).
  out.push(...judgeCaResult(ev));
  out.push(...judgeRedirects(ev));
  out.push(...judgeCdn(ev));
  out.push(...judgeAppliance(ev));
  out.push(...judgeAddresses(ev));
  out.push(...judgeNotProbed(ev));
  return out;
}

/** A name with more addresses than the probes cover says how many were left out. */
function judgeNotProbed(ev: Http01Evidence): Finding[] {
  const note = notProbedNote(ev.perAddress.length, ev.notProbed ?? 0);
  if (!note) return [];
  return [
    finding('ADDRESSES_NOT_PROBED', ev.identifier, {
      title: `HTTP-01 probed ${ev.perAddress.length} of ${ev.perAddress.length + (ev.notProbed ?? 0)} addresses`,
      detail: note.text,
      evidence: [note.evidence],
      remediation: 'None needed for the CA; remove records of servers that are not serving this name.',
    }),
  ];
}

/** What every finding about the CA's own fetch starts from. */
interface CaView {
  id: string;
  ca: Http01Result;
  evidence: Evidence[];
  base: { evidence: Evidence[]; caMessage?: string };
  last: Http01Attempt | undefined;
  addr: string;
}

function judgeCaResult(ev: Http01Evidence): Finding[] {
  const id = ev.identifier;
  const ca = ev.ca;
  const evidence = [...attemptsEvidence(ca)];
  const caMessage = ca.problem?.detail;
  const last = lastAttempt(ca);
  const addr = last?.address ?? '';
  const p = ca.problem;
  const base = { evidence, ...(caMessage ? { caMessage } : {}) };
  const view: CaView = { id, ca, evidence, base, last, addr };
  if (ca.ok) return judgeCaSuccess(ev, view);
  if (!p) return [];
  if (p.type === 'dns') {
    const reserved = ev.reserved.length
      ? ` Reserved addresses dropped: ${ev.reserved.map((r) => `${r.address} (${r.range})`).join(', ')}.`
      : '';
    return [
      finding('HTTP01_NO_ADDRESSES', id, {
        ...base,
        evidence: [...ev.resolution.evidence, ...evidence],
        detail: `${p.detail}.${reserved}`,
        remediation: `Publish an A (and/or AAAA) record for ${last?.host ?? id} pointing at the public address of the web server.`,
      }),
    ];
  }
  if (p.rule) {
    return [
      finding('HTTP01_REDIRECT_INVALID', id, {
        ...base,
        title: `Redirect breaks the CA rule "${p.rule}"`,
        detail: `${p.detail}. Chain: ${[ca.url, ...ca.redirects].join(' -> ')}${p.projectOnly ? ` (deliberate difference: ${p.projectOnly})` : ''}`,
        remediation: REDIRECT_FIXES[p.rule],
      }),
    ];
  }
  const onRedirect = ca.redirects.length > 0 && last?.scheme === 'https';
  if (p.outcome === 'http-on-tls' && onRedirect) {
    return [
      finding('HTTP01_REDIRECT_HTTPS_NOT_TLS', id, {
        ...base,
        detail: `${last?.url} is served over plain HTTP on the TLS port at ${addr}.`,
        remediation:
          'Configure TLS on port 443 (e.g. nginx `listen 443 ssl;`) or do not redirect the challenge path to https.',
      }),
    ];
  }
  if (p.outcome === 'tls-error' && onRedirect) {
    return [
      finding('HTTP01_REDIRECT_TLS_ERROR', id, {
        ...base,
        detail: `TLS handshake with ${addr} for ${last?.url} failed: ${last?.error ?? ''}`,
        remediation:
          'Enable TLS 1.2 or 1.3 on port 443 (nginx `ssl_protocols TLSv1.2 TLSv1.3;`), or exempt /.well-known/acme-challenge/ from the https redirect.',
      }),
    ];
  }
  if (p.type === 'connection') return [connectionFinding(ev, last)];
  return judgeCaUnauthorized(ev, view);
}

/** The CA's fetch got a 200 with the expected body (or, for a random token, any 200). */
function judgeCaSuccess(ev: Http01Evidence, { id, ca, base }: CaView): Finding[] {
  if (!ev.randomToken) {
    return [
      finding('HTTP01_OK', id, {
        ...base,
        detail: `GET ${ca.url} returned the expected key authorization.`,
        remediation: 'None needed.',
      }),
    ];
  }
  if (ca.body?.startsWith(`${ev.token}.`)) {
    return [
      finding('HTTP01_STATELESS_RESPONDER', id, {
        ...base,
        detail: `A random token returned "${ca.body}".`,
        remediation: 'Make sure the thumbprint after the dot is your ACME account key thumbprint.',
      }),
    ];
  }
  return [catchAll(ev, ca)];
}

/** The CA's fetch got an HTTP answer that is not the key authorization. */
function judgeCaUnauthorized(ev: Http01Evidence, { id, ca, evidence, base, last, addr }: CaView): Finding[] {
  const status = ca.finalStatus ?? 0;
  const headers = last?.headers ?? {};
  const proxy = cdnForHeaders(headers);
  if (status === 200 && ev.randomToken) return [catchAll(ev, ca)];
  if (status === 404 && ev.randomToken) {
    // A pass: the 404 is what a webroot answers for a token it does not hold, not the CA's error.
    return [
      finding('HTTP01_OK', id, {
        evidence,
        title: 'Reachable; serving the real token file is not proven (use --webroot)',
        detail: `GET ${ca.url} (a token the server was never given) reached ${addr} and returned 404, as a webroot does for a missing file; whether the server serves a token file placed in its webroot is not proven.`,
        remediation:
          'None needed; place the token under <webroot>/.well-known/acme-challenge/ (or use --webroot to prove it end to end).',
      }),
    ];
  }
  if (status === 403 || status === 429 || (status === 503 && proxy)) {
    return [
      finding('HTTP01_WAF_BLOCK', id, {
        ...base,
        detail: `${last?.url} returned ${status}${proxy ? ` from ${proxy}` : ''}${headers.server ? ` (server: ${headers.server})` : ''}.`,
        remediation:
          'Exempt /.well-known/acme-challenge/* from WAF, geo-blocking, rate limiting and bot protection (Cloudflare: a WAF custom rule with action Skip for "URI Path starts with /.well-known/acme-challenge/"; nginx: no `deny`/`auth_basic` in that location).',
      }),
    ];
  }
  if (status === 200 && last?.bodyAtLimit) {
    return [
      finding('HTTP01_BODY_TOO_LARGE', id, {
        ...base,
        detail: `${last.url} returned a body of ${MAX_BODY_BYTES} bytes or more.`,
        remediation: 'Serve the key authorization file as is: no HTML wrapper, no padding.',
      }),
    ];
  }
  if (status === 200) {
    return [
      finding('HTTP01_WRONG_BODY', id, {
        ...base,
        detail: `Expected ${JSON.stringify(ev.expected ?? '')}, got ${JSON.stringify(ca.body ?? '')}.`,
        remediation:
          'Serve exactly "<token>.<account thumbprint>" (content of the file the ACME client wrote); check for a stale stateless responder or a different webroot.',
      }),
    ];
  }
  return [
    finding('HTTP01_BAD_STATUS', id, {
      ...base,
      detail: `${last?.url ?? ca.url} returned ${status} at ${addr}.`,
      remediation:
        status === 404
          ? `The token file was not found: the ACME client's webroot must be the directory this server serves for ${id}, e.g. nginx \`${WEBROOT_NGINX}\`.`
          : `Make the server return 200 with the token file for /.well-known/acme-challenge/, e.g. nginx \`${WEBROOT_NGINX}\`.`,
    }),
  ];
}

function catchAll(ev: Http01Evidence, ca: Http01Result): Finding {
  const last = lastAttempt(ca);
  return finding('HTTP01_CATCH_ALL', ev.identifier, {
    evidence: attemptsEvidence(ca),
    detail: `GET ${ca.url} for a random token returned 200 (${last?.headers['content-type'] ?? 'no content type'}, body starts ${JSON.stringify((last?.body ?? '').slice(0, 40))}): a catch-all page answers every path, so the real token file would be hidden behind it.`,
    remediation: `Serve /.well-known/acme-challenge/ from disk before the catch-all rule, e.g. nginx \`${WEBROOT_NGINX}\` above \`try_files $uri /index.html;\`; Apache: \`RewriteCond %{REQUEST_URI} !^/\\.well-known/acme-challenge/\` before the rewrite.`,
  });
}

function connectionFinding(ev: Http01Evidence, last: Http01Attempt | undefined): Finding {
  const id = ev.identifier;
  const ca = ev.ca;
  const base = { evidence: attemptsEvidence(ca), ...(ca.problem ? { caMessage: ca.problem.detail } : {}) };
  const addr = last?.address ?? '';
  const probe = ev.perAddress.find((p) => p.address === addr);
  const tlsUp =
    probe?.tlsPort !== undefined &&
    !['refused', 'connect-timeout', 'unreachable', 'reserved'].includes(probe.tlsPort);
  const hostHint =
    probe?.tlsPort === undefined
      ? ''
      : tlsUp
        ? ' Port 443 at the same address answers, so the host is up and only port 80 is blocked.'
        : ` Port 443 at the same address also fails (${probe.tlsPort}): the host may be down or fully filtered.`;
  switch (last?.outcome) {
    case 'refused':
      return finding('HTTP01_CONNECTION_REFUSED', id, {
        ...base,
        detail: `${addr} port ${last.port} actively refused the connection (nothing listening, or a firewall REJECT rule).${hostHint}`,
        remediation: `Run a web server on port 80 at ${addr} and allow tcp/80 from anywhere (e.g. \`ufw allow 80/tcp\` or \`iptables -I INPUT -p tcp --dport 80 -j ACCEPT\`); the CA always uses port 80 for HTTP-01.`,
      });
    case 'connect-timeout':
      return finding('HTTP01_CONNECT_TIMEOUT', id, {
        ...base,
        detail: `Connecting to ${addr} port ${last.port} got no answer (packets silently dropped).${hostHint}`,
        remediation: `Allow inbound tcp/80 from any source to ${addr} in the host firewall and the cloud security group / router port-forward (the CA validates from several unpublished networks, so an allow-list of CA addresses does not work).`,
      });
    case 'read-timeout':
      return finding('HTTP01_READ_TIMEOUT', id, {
        ...base,
        detail: `${addr} accepted the connection but sent no complete response for ${last.url} in time.`,
        remediation:
          'Check the web server or its upstream for /.well-known/acme-challenge/: serve it from disk in the front server rather than proxying it to a slow backend.',
      });
    default:
      return finding('HTTP01_CONNECTION_ERROR', id, {
        ...base,
        detail: `${last?.url ?? ca.url} at ${addr}: ${last?.outcome ?? 'no attempt'}${last?.error ? ` (${last.error})` : ''}.`,
        remediation:
          'Make port 80 answer with a plain HTTP/1.1 response for /.well-known/acme-challenge/ (check proxies in front of it).',
      });
  }
}

function judgeRedirects(ev: Http01Evidence): Finding[] {
  const ca = ev.ca;
  if (ca.redirects.length === 0 || ca.problem?.rule) return [];
  return [
    finding('HTTP01_REDIRECTS_FOLLOWED', ev.identifier, {
      evidence: attemptsEvidence(ca),
      detail: `Redirect chain: ${[ca.url, ...ca.redirects].join(' -> ')}.`,
      remediation:
        'None needed if the final URL serves the token; an https target is fetched without certificate verification.',
    }),
  ];
}

/** A router or NAS admin page on port 80: the port forward to the web server is missing. */
function judgeAppliance(ev: Http01Evidence): Finding[] {
  for (const r of [ev.ca, ...ev.perAddress.map((p) => p.result)]) {
    for (const a of r.attempts) {
      if (a.status === undefined) continue;
      const hint = applianceFor(a.headers, a === lastAttempt(r) ? r.body : undefined);
      if (!hint) continue;
      return [
        finding('HTTP01_ROUTER_ANSWERING', ev.identifier, {
          detail: `${a.address} port ${a.port} is answered by a router or NAS admin interface (${hint.clue}), not by your web server.`,
          evidence: [{ ...attemptEvidence(a), answer: `HTTP ${a.status}; ${hint.clue}` }],
          remediation: `Forward tcp/80 (and 443) on the router at ${a.address} to the machine that serves ${ev.identifier}, or point ${ev.identifier}'s A/AAAA records straight at that machine; move the router's own admin page off port 80.`,
        }),
      ];
    }
  }
  return [];
}

function judgeCdn(ev: Http01Evidence): Finding[] {
  const seen = new Map<string, Evidence>();
  for (const p of ev.perAddress) {
    if (p.cdn)
      seen.set(p.cdn, {
        source: 'local',
        query: `address ${p.address}`,
        answer: `in ${p.cdn}'s published ranges`,
        address: p.address,
      });
  }
  for (const r of [ev.ca, ...ev.perAddress.map((p) => p.result)]) {
    for (const a of r.attempts) {
      const c = cdnForHeaders(a.headers);
      if (c && !seen.has(c))
        seen.set(c, {
          ...attemptEvidence(a),
          answer: `headers: ${Object.entries(a.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')}`,
        });
    }
  }
  if (seen.size === 0) return [];
  const names = [...seen.keys()].join(', ');
  const severity =
    ev.ca.ok || (ev.randomToken && ev.ca.finalStatus === 404) ? undefined : ('warning' as const);
  return [
    finding('HTTP01_CDN_DETECTED', ev.identifier, {
      evidence: [...seen.values()],
      detail: `${ev.identifier} is served through ${names}; the CA's request reaches it, not your origin.`,
      remediation: `In ${names}: forward /.well-known/acme-challenge/* to the origin with caching bypassed and no WAF/redirect rule on that path (Cloudflare: a Cache Rule "bypass" plus a WAF Skip rule for that path), or use DNS-01.`,
      ...(severity ? { severity } : {}),
    }),
  ];
}

function judgeAddresses(ev: Http01Evidence): Finding[] {
  const out: Finding[] = [];
  const probes = ev.perAddress;
  const filtered = probes.filter(
    (p) =>
      p.tlsPort !== undefined &&
      !['refused', 'connect-timeout', 'unreachable', 'reserved'].includes(p.tlsPort),
  );
  if (filtered.length > 0) {
    out.push(
      finding('HTTP01_PORT80_FILTERED', ev.identifier, {
        evidence: filtered.flatMap((p) => p.result.attempts.slice(0, 1).map(attemptEvidence)),
        detail: `Port 80 fails but port 443 completes a connection at ${filtered.map((p) => p.address).join(', ')}.`,
        remediation: 'Open tcp/80 in the firewall or security group, or use TLS-ALPN-01 / DNS-01 instead.',
      }),
    );
  }
  if (probes.length < 2) return out;
  const label = (p: AddressProbe): string =>
    `${p.address} (${p.caRole === 'first' ? 'used by the CA' : p.caRole === 'fallback' ? 'CA fallback on connect failure' : 'not used by the CA'}): ${behaviour(p.result)}`;
  const kinds = new Set(probes.map((p) => behaviour(p.result)));
  const note = notProbedNote(probes.length, ev.notProbed ?? 0);
  const unprobed = note ? ` ${note.text}` : '';
  const evidence = [
    ...probes.flatMap((p) => p.result.attempts.slice(0, 1).map(attemptEvidence)),
    ...(note ? [note.evidence] : []),
  ];
  const v6 = probes.filter((p) => p.family === 6);
  const v4 = probes.filter((p) => p.family === 4);
  const v4Good = v4.some((p) => isHealthy(p.result, ev.randomToken));
  const v6Bad = v6.filter((p) => !isHealthy(p.result, ev.randomToken));
  if (v4Good && v6Bad.length > 0) {
    const first6 = v6[0]!;
    const firstBad = v6Bad.includes(first6);
    const outcome = first6.result.attempts[0]?.outcome;
    const fallbackSaves =
      firstBad &&
      outcome !== undefined &&
      ['refused', 'connect-timeout', 'unreachable'].includes(outcome) &&
      isHealthy(v4[0]!.result, ev.randomToken);
    const severity = firstBad && !fallbackSaves ? 'error' : 'warning';
    out.push(
      finding('HTTP01_IPV6_BROKEN', ev.identifier, {
        severity,
        evidence,
        detail: `${v6Bad.map(label).join('; ')}; IPv4 works.${unprobed} ${firstBad ? (fallbackSaves ? `The CA tries ${first6.address} first, fails to connect and falls back to ${v4[0]!.address}, which works (slower, and fragile).` : `The CA uses ${first6.address} and does not fall back to IPv4 after a ${behaviour(first6.result)}, so validation fails.`) : 'The CA uses the first IPv6 address, which works; the others may be chosen when DNS order changes.'}`,
        remediation: `Make the web server listen on IPv6 (nginx \`listen [::]:80;\`) and allow tcp/80 over IPv6 in the firewall, or remove the AAAA record(s) ${v6Bad.map((p) => p.address).join(', ')}.`,
      }),
    );
  } else if (kinds.size > 1) {
    out.push(
      finding('HTTP01_ADDRESSES_DIFFER', ev.identifier, {
        evidence,
        detail: probes.map(label).join('; ') + (unprobed ? `.${unprobed}` : ''),
        remediation:
          'Serve /.well-known/acme-challenge/ identically on every address (same webroot or a shared challenge store), or remove the records of servers that are not yours.',
      }),
    );
  }
  return out;
}
