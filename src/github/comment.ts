/** One sticky pull-request comment per job and set of names: found by a hidden marker, updated in place. */
import { createHash } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import type { PullRequestContext } from './event.js';

/** Every marker starts so; the rest says which job and names the comment is for. */
export const COMMENT_MARKER = '<!-- acme-preflight:report';

/** Two jobs of one pull request, or one job checking two sets of names, each keep their own comment. */
export function commentKey(job: string | undefined, names: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...new Set(names.map((n) => n.toLowerCase()))].sort().join(' '))
    .digest('hex')
    .slice(0, 16);
  return `${(job ?? 'job').replace(/[^A-Za-z0-9_.]/g, '_')}/${digest}`;
}

export const markerFor = (key: string): string => `${COMMENT_MARKER} ${key} -->`;

/** GitHub rejects comment bodies over 65536 characters. */
export const MAX_COMMENT_CHARS = 65536;

const TRUNCATED =
  '\n\n_The report is longer than a comment allows; the full report is in the job summary._\n';

export function commentBody(markdown: string, key: string): string {
  const body = `${markerFor(key)}\n${markdown}`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  return body.slice(0, MAX_COMMENT_CHARS - TRUNCATED.length) + TRUNCATED;
}

export type GitHubClient = Pick<Octokit, 'paginate' | 'rest'>;

export interface StickyResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url?: string;
}

/** An update that was refused: the comment of an earlier run stays as it was. */
export class StaleCommentError extends Error {
  constructor(
    readonly status: number,
    readonly url: string | undefined,
  ) {
    super(`GitHub answered ${status} to updating the comment`);
  }
}

/**
 * The marker must open the comment, so a comment that merely quotes it is not taken over; among several,
 * one written by a bot (the Action's own token) wins.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  pr: PullRequestContext,
  body: string,
): Promise<StickyResult> {
  const where = { owner: pr.owner, repo: pr.repo, issue_number: pr.number };
  const marker = body.slice(0, body.indexOf('\n'));
  const comments = await client.paginate(client.rest.issues.listComments, { ...where, per_page: 100 });
  const ours = comments.filter((c) => (c.body ?? '').split('\n', 1)[0] === marker);
  const existing = ours.find((c) => c.user?.type === 'Bot') ?? ours[0];
  if (existing) {
    // Same content: no update, so the pull request shows no edit and no notification.
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    try {
      const { data } = await client.rest.issues.updateComment({
        owner: pr.owner,
        repo: pr.repo,
        comment_id: existing.id,
        body,
      });
      return { action: 'updated', id: data.id, url: data.html_url };
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      if (status === 403 || status === 401) throw new StaleCommentError(status, existing.html_url);
      throw e;
    }
  }
  const { data } = await client.rest.issues.createComment({ ...where, body });
  return { action: 'created', id: data.id, url: data.html_url };
}
