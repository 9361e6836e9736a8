/** The GitHub Action: preflight, job summary, annotations, outputs, one sticky PR comment, exit status. */
import { isAbsolute, join, resolve } from 'node:path';
import type * as actionsCore from '@actions/core';
import type { PreflightOptions } from '../engine/preflight.js';
import type { Report } from '../report/report.js';
import type { Finding, Verdict } from '../report/finding.js';
import { renderMarkdown } from '../report/render/markdown.js';
import { renderJson } from '../report/render/json.js';
import { ConfigFileError, UsageError } from '../errors.js';
import { NetworkBlockedError } from '../engine/root-probe.js';
import { preflightWithPerspectives } from '../engine/multi.js';
import { perspectiveSpecs } from '../config/perspectives.js';
import { resolveSettings } from '../config/settings.js';
import { profileFromArgs } from '../config/profile.js';
import { issuerDomainFor } from '../config/ca.js';
import { failsOn } from '../config/schema.js';
import { EXIT } from '../report/report.js';
import { readInputs } from './inputs.js';
import { pullRequestOf, type PullRequestContext } from './event.js';
import {
  commentBody,
  commentKey,
  StaleCommentError,
  upsertStickyComment,
  type GitHubClient,
} from './comment.js';
import { escapeControls } from '../report/escape.js';
import { groupShared } from '../report/shared.js';

export { failsOn } from '../config/schema.js';

export type ActionCore = Pick<
  typeof actionsCore,
  'error' | 'warning' | 'notice' | 'info' | 'setOutput' | 'summary'
>;

export interface ActionDeps {
  /** The runner's environment: INPUT_*, GITHUB_*, RUNNER_TEMP. */
  env: Readonly<Record<string, string | undefined>>;
  core: ActionCore;
  readFile(path: string): string;
  writeFile(path: string, data: string): void;
  github(token: string, baseUrl: string): GitHubClient;
  preflight(names: readonly string[], options: PreflightOptions): Promise<Report>;
  /** Defaults to GITHUB_WORKSPACE, where relative paths (config) are resolved. */
  cwd?: string;
  now?: () => Date;
}

export type CommentOutcome =
  'created' | 'updated' | 'unchanged' | 'stale' | 'read-only' | 'not-a-pull-request' | 'disabled' | 'failed';

export interface ActionResult {
  exitCode: number;
  verdict?: Verdict;
  jsonPath?: string;
  comment?: CommentOutcome;
}

/** Never throws: every failure becomes an error annotation and an exit status. */
export async function runAction(deps: ActionDeps): Promise<ActionResult> {
  const token = (deps.env['INPUT_TOKEN'] ?? '').trim();
  const scrub = (s: string): string => (token.length >= 4 ? s.split(token).join('***') : s);
  try {
    return await run(deps, scrub);
  } catch (e) {
    const message = scrub(e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e));
    if (e instanceof NetworkBlockedError) {
      // The runner's network, not the names: a notice, no failing comment or step.
      deps.core.notice(`acme-preflight: ${message}`, { title: 'acme-preflight could not check' });
      return { exitCode: EXIT.ok };
    }
    if (e instanceof ConfigFileError) {
      for (const line of e.problems)
        deps.core.error(`acme-preflight: ${scrub(line)}`, { title: 'acme-preflight configuration' });
      return { exitCode: EXIT.usage };
    }
    if (e instanceof UsageError) {
      deps.core.error(`acme-preflight: ${message}`, { title: 'acme-preflight configuration' });
      return { exitCode: EXIT.usage };
    }
    deps.core.error(`acme-preflight: the check could not run: ${message}`, { title: 'acme-preflight' });
    return { exitCode: EXIT.internal };
  }
}

async function run(deps: ActionDeps, scrub: (s: string) => string): Promise<ActionResult> {
  const { env, core } = deps;
  const inputs = readInputs(env);
  const cwd = deps.cwd ?? env['GITHUB_WORKSPACE'] ?? process.cwd();

  // An input left empty (fail-on's default is '') is not given: the config file's setting applies.
  const { args, configPath } = resolveSettings(
    {
      config: inputs.config,
      names: inputs.names,
      challenge: inputs.challenge,
      provider: inputs.provider,
      'fail-on': inputs.failOn,
    },
    env,
    cwd,
  );
  const names = args.names ?? [];
  if (names.length === 0)
    throw new UsageError('no names to check: set the names input or names: in .acme-preflight.yml');
  const failOn = args['fail-on'] ?? 'error';
  if (configPath) core.info(`Using ${configPath}`);

  const options = {
    challenge: args.challenge,
    profile: profileFromArgs(args),
    ca: issuerDomainFor(args.ca),
    accountUri: args['account-uri'],
    skip: args.skip,
    webroot: args.webroot && !isAbsolute(args.webroot) ? resolve(cwd, args.webroot) : args.webroot,
  };
  const remotes = perspectiveSpecs(args, env);
  const report = remotes.length
    ? await preflightWithPerspectives(names, options, remotes, { primary: deps.preflight })
    : await deps.preflight(names, options);

  const markdown = renderMarkdown(report);
  await writeSummary(core, markdown);
  annotate(core, report);

  const jsonPath = join(
    env['RUNNER_TEMP'] || cwd,
    `acme-preflight-${env['GITHUB_RUN_ID'] ?? 'local'}-${(deps.now?.() ?? new Date()).getTime()}.json`,
  );
  deps.writeFile(jsonPath, renderJson(report));
  core.setOutput('verdict', report.verdict);
  core.setOutput('json-path', jsonPath);

  const key = commentKey(env['GITHUB_JOB'], names);
  const comment = await maybeComment(deps, inputs.comment, inputs.token, commentBody(markdown, key), scrub);

  const failed = failsOn(report.verdict, failOn);
  core.info(
    `acme-preflight: ${report.verdict}` +
      (failed ? ` (failing the step: fail-on is ${failOn})` : ` (fail-on is ${failOn})`),
  );
  return { exitCode: failed ? EXIT.fail : EXIT.ok, verdict: report.verdict, jsonPath, comment };
}

async function writeSummary(core: ActionCore, markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (e) {
    // Outside a runner there is no $GITHUB_STEP_SUMMARY: the log is the summary.
    core.info(`(no job summary: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})\n${markdown}`);
  }
}

/** Annotations are plain text in GitHub's UI; @actions/core escapes newlines and % itself. */
export function annotate(core: Pick<ActionCore, 'error' | 'warning'>, report: Report): void {
  const grouped = groupShared(report);
  const own = report.identifiers.flatMap((i) => i.findings).filter((f) => !grouped.isShared(f));
  const all: [Finding, string][] = [
    ...[...report.orderFindings, ...own].map((f): [Finding, string] => [f, f.identifier]),
    // A zone's finding once, naming every name it affects.
    ...grouped.shared.map((g): [Finding, string] => [g.finding, g.names.join(', ')]),
  ];
  for (const [f, names] of all) {
    if (f.severity === 'info') continue;
    // Untrusted data in a title or fix must not forge lines or terminal sequences in the log.
    const message = `${escapeControls(names)}: ${escapeControls(f.title)}\nFix: ${escapeControls(f.remediation)}`;
    if (f.severity === 'error') core.error(message, { title: escapeControls(f.code) });
    else core.warning(message, { title: escapeControls(f.code) });
  }
}

async function maybeComment(
  deps: ActionDeps,
  enabled: boolean,
  token: string | undefined,
  body: string,
  scrub: (s: string) => string,
): Promise<CommentOutcome> {
  const { core, env } = deps;
  if (!enabled) return 'disabled';
  const eventPath = env['GITHUB_EVENT_PATH'];
  let payload: unknown;
  try {
    payload = eventPath ? JSON.parse(deps.readFile(eventPath)) : undefined;
  } catch {
    payload = undefined;
  }
  const pr = pullRequestOf(env['GITHUB_EVENT_NAME'], env['GITHUB_REPOSITORY'], payload);
  if (!pr) return 'not-a-pull-request';
  if (!token) {
    core.notice(readOnlyNotice(pr, 'no token was given'), { title: 'acme-preflight' });
    return 'read-only';
  }
  const client = deps.github(token, env['GITHUB_API_URL'] || 'https://api.github.com');
  try {
    const r = await upsertStickyComment(client, pr, body);
    const did = { created: 'Posted', updated: 'Updated', unchanged: 'Left unchanged' }[r.action];
    core.info(`${did} the report on pull request #${pr.number}`);
    return r.action;
  } catch (e) {
    if (e instanceof StaleCommentError) {
      // A fork's read-only token cannot edit the comment of an earlier run: say so where this run's report is.
      const why = pr.fromFork
        ? 'this run comes from a fork and has a read-only token'
        : `GitHub answered ${e.status}`;
      const note = `> **Note:** the acme-preflight comment on pull request #${pr.number} is stale: it shows an earlier run, and this run could not update it (${why}). This summary is the current report.\n`;
      await core.summary
        .addRaw(note, true)
        .write()
        .catch(() => undefined);
      core.notice(
        `The comment on pull request #${pr.number} is stale (${why}); the job summary has the current report.`,
        {
          title: 'acme-preflight',
        },
      );
      return 'stale';
    }
    const status = (e as { status?: unknown }).status;
    if (status === 403 || status === 401) {
      core.notice(readOnlyNotice(pr, `GitHub answered ${status} to the comment request`), {
        title: 'acme-preflight',
      });
      return 'read-only';
    }
    const why = scrub(e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e));
    core.warning(
      `Could not comment on pull request #${pr.number}: ${why}. The report is in the job summary.`,
      {
        title: 'acme-preflight',
      },
    );
    return 'failed';
  }
}

function readOnlyNotice(pr: PullRequestContext, why: string): string {
  const fork = pr.fromFork
    ? ' This pull request comes from a fork, and GitHub gives such runs a read-only token.'
    : ' The token needs pull-requests: write (or issues: write).';
  return `Not commenting on pull request #${pr.number}: ${why}.${fork} The report is in the job summary.`;
}
