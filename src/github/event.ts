/** What the Action needs from the workflow run: repository, and the pull request if there is one. */
export interface PullRequestContext {
  owner: string;
  repo: string;
  number: number;
  /** The head branch lives in a fork: GitHub gives `pull_request` runs a read-only token there. */
  fromFork: boolean;
}

interface PullRequestPayload {
  pull_request?: {
    number?: unknown;
    head?: { repo?: { fork?: unknown; full_name?: unknown } | null };
    base?: { repo?: { full_name?: unknown } };
  };
}

/** The pull request the run is about, or undefined for push, schedule and other events. */
export function pullRequestOf(
  eventName: string | undefined,
  repository: string | undefined,
  payload: unknown,
): PullRequestContext | undefined {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return undefined;
  const pr = (payload as PullRequestPayload | null)?.pull_request;
  const [owner, repo] = (repository ?? '').split('/');
  if (!pr || typeof pr.number !== 'number' || !owner || !repo) return undefined;
  const head = pr.head?.repo;
  const fromFork =
    head?.fork === true ||
    head === null ||
    (typeof head?.full_name === 'string' && head.full_name !== pr.base?.repo?.full_name);
  return { owner, repo, number: pr.number, fromFork };
}
