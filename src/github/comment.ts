/** One sticky pull-request comment per run target: found by a hidden marker, updated in place. */
import type { Octokit } from '@octokit/rest';
import type { PullRequestContext } from './event.js';

export const COMMENT_MARKER = '<!-- acme-preflight:report -->';

/** GitHub rejects comment bodies over 65536 characters. */
export const MAX_COMMENT_CHARS = 65536;

const TRUNCATED =
  '\n\n_The report is longer than a comment allows; the full report is in the job summary._\n';

export function commentBody(markdown: string): string {
  const body = `${COMMENT_MARKER}\n${markdown}`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  return body.slice(0, MAX_COMMENT_CHARS - TRUNCATED.length) + TRUNCATED;
}

export type GitHubClient = Pick<Octokit, 'paginate' | 'rest'>;

export interface StickyResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
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
  const comments = await client.paginate(client.rest.issues.listComments, { ...where, per_page: 100 });
  const ours = comments.filter((c) => (c.body ?? '').startsWith(COMMENT_MARKER));
  const existing = ours.find((c) => c.user?.type === 'Bot') ?? ours[0];
  if (existing) {
    const { data } = await client.rest.issues.updateComment({
      owner: pr.owner,
      repo: pr.repo,
      comment_id: existing.id,
      body,
    });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await client.rest.issues.createComment({ ...where, body });
  return { action: 'created', id: data.id, url: data.html_url };
}
