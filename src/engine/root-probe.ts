/**
 * Before any name is judged: can this machine talk to the DNS root at all? A network with no route out, or one
 * whose middlebox answers port 53 itself, would otherwise turn every name into a "fail" that blames the name.
 */
import type { DnsClient } from '../dns/api.js';
import type { NetworkProfile } from '../profile.js';

/** The run cannot judge anything: exit 3 with one line (DESIGN.md exit codes). */
export class NetworkBlockedError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'intercepted',
  ) {
    super(message);
    this.name = 'NetworkBlockedError';
  }
}

/** Tries per root server before the network counts as blocking DNS. */
export const PROBE_TRIES = 2;

export type RootProbe = { ok: true } | { ok: false; kind: 'unreachable' | 'intercepted'; message: string };

/**
 * Asks every root server ". NS" at once, two tries each within the DNS timeout; the first authoritative
 * answer ends it. Fails only when none answers (blocked) or all that answer lack AA (intercepted). The second
 * try: one lost datagram (a busy host drops UDP on loopback too) must not make a run exit 3.
 */
export async function probeRoot(profile: NetworkProfile, client: DnsClient): Promise<RootProbe> {
  const hints = profile.rootHints;
  if (hints.length === 0) return { ok: true };
  let answeredWithoutAa = 0;
  let pending = hints.length;
  const seconds = profile.timeouts.dnsQueryMs / 1000;
  return new Promise<RootProbe>((resolve) => {
    const done = (): void => {
      if (--pending > 0) return;
      if (answeredWithoutAa > 0) {
        resolve({
          ok: false,
          kind: 'intercepted',
          message: `this network intercepts DNS: ${answeredWithoutAa} of ${hints.length} root servers answered without the authoritative (AA) bit, as a middlebox that answers port 53 itself does; run the check from a network with direct DNS (UDP and TCP port 53)`,
        });
      } else {
        resolve({
          ok: false,
          kind: 'unreachable',
          message: `this network blocks DNS: none of the ${hints.length} root servers answered (${PROBE_TRIES} tries of ${seconds} s each); run the check from a network that allows outgoing DNS (UDP and TCP port 53), as the CA's resolvers have`,
        });
      }
    };
    for (const h of hints) {
      client
        .query({ address: h.address, port: profile.dnsPort, name: h.name }, '.', 'NS', {
          rd: false,
          retries: PROBE_TRIES - 1,
        })
        .then(
          (o) => {
            if (o.ok && o.response.flags.aa) return resolve({ ok: true });
            if (o.ok) answeredWithoutAa++;
            done();
          },
          () => done(),
        );
    }
  });
}

export type RootProber = (profile: NetworkProfile, client: DnsClient) => Promise<RootProbe>;

/** How long a long-running service trusts a passed probe: checks then do not each ask the root again. */
export const ROOT_PROBE_TTL_MS = 60_000;

/**
 * The probe for a service (serve, worker, agent) that checks names all day from one network: a pass holds
 * for ttlMs; a failure is never remembered, so a network that comes back is seen at the next check.
 */
export function rememberedProbe(ttlMs = ROOT_PROBE_TTL_MS, now = () => performance.now()): RootProber {
  let until = -Infinity;
  return async (profile, client) => {
    if (now() < until) return { ok: true };
    const r = await probeRoot(profile, client);
    if (r.ok) until = now() + ttlMs;
    return r;
  };
}

/** Before any DNS name is looked up: throws NetworkBlockedError when this network blocks or intercepts DNS. */
export async function ensureDnsReachable(
  hasDnsNames: boolean,
  profile: NetworkProfile,
  client: DnsClient,
  probe: RootProber = probeRoot,
): Promise<void> {
  if (!hasDnsNames) return;
  const root = await probe(profile, client);
  if (!root.ok) throw new NetworkBlockedError(root.message, root.kind);
}
