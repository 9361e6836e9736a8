/** Runs the Action in-process as the runner would: INPUT_* env, file commands in temp files, stdout captured. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { Octokit } from '@octokit/rest';
import { jest } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { runAction, type ActionResult } from '../../src/github/action.js';
import type { PreflightOptions } from '../../src/engine/preflight.js';
import { buildReport, type Report } from '../../src/report/report.js';
import type { Finding } from '../../src/report/finding.js';

export const TOKEN = 'ghs_TeStToKeN0123456789abcdefSECRET';
export const API = 'https://api.github.com';
export const EVENTS = resolve('fixtures/github');

export function finding(over: Partial<Finding> & Pick<Finding, 'code' | 'severity'>): Finding {
  return {
    identifier: 'example.com',
    title: `${over.code} happened`,
    detail: 'seen in DNS',
    evidence: [
      { source: 'ns1.example.net (192.0.2.53:53)', query: 'CAA example.com', answer: '0 issue "ca.example"' },
    ],
    remediation: 'Add CAA 0 issue "letsencrypt.org" at example.com',
    ...over,
  };
}

export function reportOf(findings: Finding[], names = ['example.com']): Report {
  return buildReport({
    version: '0.1.0-test',
    ca: 'letsencrypt.org',
    identifiers: names.map((n) => ({
      identifier: n,
      input: n,
      type: 'dns' as const,
      challenge: 'http-01' as const,
      findings: findings.filter((f) => f.identifier === n),
    })),
    orderFindings: [],
    durationMs: 12,
    dnsQueries: 3,
    now: new Date('2026-01-02T03:04:05Z'),
  });
}

const quietLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface Run {
  result: ActionResult;
  stdout: string;
  summary: string;
  outputs: string;
  /** What the fake preflight was called with. */
  calls: { names: readonly string[]; options: PreflightOptions }[];
  workspace: string;
}

export interface RunOptions {
  event?: 'pull_request.json' | 'pull_request_fork.json' | 'push.json';
  inputs?: Record<string, string>;
  report?: Report;
  files?: Record<string, string>;
  /** GITHUB_JOB, the job's id in the workflow (default "preflight"). */
  job?: string;
}

/** The inputs' defaults as action.yml declares them, as the runner fills them in. */
function actionDefaults(): Record<string, string> {
  const action = parseYaml(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, String(v.default ?? '')]));
}

/** A fresh runner: empty summary and output files, a workspace, the event payload from fixtures. */
/** @actions/core's summary remembers the first $GITHUB_STEP_SUMMARY it sees: one file, emptied per run. */
const summaryFile = join(mkdtempSync(join(tmpdir(), 'ap-summary-')), 'step-summary.md');

export async function runLocally(opts: RunOptions = {}): Promise<Run> {
  const workspace = mkdtempSync(join(tmpdir(), 'ap-action-'));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(workspace, name), text);
  const outputFile = join(workspace, 'github-output.txt');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const event = opts.event ?? 'pull_request.json';
  const inputs: Record<string, string> = {
    ...actionDefaults(),
    names: 'example.com',
    token: TOKEN,
    ...opts.inputs,
  };
  const env: Record<string, string> = {
    GITHUB_EVENT_NAME: event === 'push.json' ? 'push' : 'pull_request',
    GITHUB_EVENT_PATH: join(EVENTS, event),
    GITHUB_REPOSITORY: 'acme-corp/website',
    GITHUB_API_URL: API,
    GITHUB_RUN_ID: '4242',
    GITHUB_JOB: opts.job ?? 'preflight',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: workspace,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;

  // @actions/core writes file commands to the files named by the process environment.
  const saved = { summary: process.env.GITHUB_STEP_SUMMARY, output: process.env.GITHUB_OUTPUT };
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
  process.env.GITHUB_OUTPUT = outputFile;
  core.summary.emptyBuffer();
  let stdout = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  const calls: Run['calls'] = [];
  try {
    const result = await runAction({
      env,
      core,
      readFile: (p) => readFileSync(p, 'utf8'),
      writeFile: (p, d) => writeFileSync(p, d),
      github: (token, baseUrl) => new Octokit({ auth: token, baseUrl, log: quietLog }),
      preflight: async (names, options) => {
        calls.push({ names, options });
        return opts.report ?? reportOf([]);
      },
    });
    return {
      result,
      stdout,
      summary: readFileSync(summaryFile, 'utf8'),
      outputs: readFileSync(outputFile, 'utf8'),
      calls,
      workspace,
    };
  } finally {
    spy.mockRestore();
    restore('GITHUB_STEP_SUMMARY', saved.summary);
    restore('GITHUB_OUTPUT', saved.output);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The value of one output in the GITHUB_OUTPUT file (heredoc form written by @actions/core). */
export function output(outputs: string, name: string): string | undefined {
  const m = new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(outputs);
  return m?.[2];
}
