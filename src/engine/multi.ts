/**
 * `check --perspective`: this run is the primary; every remote agent gathers the same names from its own
 * network at the same time; each is judged on its own and the CA's quorum combines them.
 */
import { preflight, DEFAULT_ISSUER_DOMAIN, parseIdentifiers, type PreflightOptions } from './preflight.js';
import { combinePerspectives, type PerspectiveRun } from './perspectives.js';
import { judgeGathered } from './gathered.js';
import { defaultProfile } from '../profile.js';
import { askPerspective, type PerspectiveSpec } from './remote.js';
import type { Report } from '../report/report.js';

/** The primary's name in reports. */
export const PRIMARY_NAME = 'primary';

/** An agent gets the CA's whole validation budget (about 20 s per attempt) plus DNS, per request. */
export const REMOTE_TIMEOUT_MS = 90_000;

export async function preflightWithPerspectives(
  names: readonly string[],
  options: PreflightOptions,
  remotes: readonly PerspectiveSpec[],
  opts: { timeoutMs?: number; primary?: (n: readonly string[], o: PreflightOptions) => Promise<Report> } = {},
): Promise<Report> {
  const primary = opts.primary ?? preflight;
  const timeoutMs = opts.timeoutMs ?? REMOTE_TIMEOUT_MS;
  // Names are checked here first so a typo is a usage error before any agent is asked.
  const identifiers = parseIdentifiers(names);
  const request = {
    names: identifiers.map((i) => i.input),
    challenge: options.challenge ?? 'http-01',
    ca: options.ca ?? DEFAULT_ISSUER_DOMAIN,
    ...(options.accountUri ? { accountUri: options.accountUri } : {}),
  };
  // Every perspective is judged here, by the same judges and settings as the primary's own evidence, and
  // as soon as its answer arrives: the judging of one overlaps the waiting for the others.
  const profile = options.profile ?? defaultProfile();
  const now = options.now ?? new Date();
  const skip = [...(options.skip ?? [])];
  const judged = (spec: PerspectiveSpec): Promise<PerspectiveRun> =>
    askPerspective(spec, request, timeoutMs).then(({ gathered, ...info }) =>
      gathered
        ? { ...info, report: judgeGathered(names, gathered, { ...request, skip }, profile, now) }
        : info,
    );
  const [report, runs] = await Promise.all([
    primary(names, { ...options, now }),
    Promise.all(remotes.map(judged)),
  ]);
  return combinePerspectives({ name: PRIMARY_NAME, role: 'primary', report }, runs);
}
