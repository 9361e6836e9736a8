import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { pullRequestOf } from '../../src/github/event.js';
import { readInputs } from '../../src/github/inputs.js';
import {
  COMMENT_MARKER,
  commentBody,
  commentKey,
  markerFor,
  MAX_COMMENT_CHARS,
} from '../../src/github/comment.js';
import { failsOn } from '../../src/github/action.js';
import { UsageError } from '../../src/errors.js';

const event = (name: string): unknown => JSON.parse(readFileSync(`fixtures/github/${name}`, 'utf8'));

describe('pullRequestOf', () => {
  it('finds the pull request of pull_request and pull_request_target runs, and whether it is a fork', () => {
    expect(pullRequestOf('pull_request', 'acme-corp/website', event('pull_request.json'))).toEqual({
      owner: 'acme-corp',
      repo: 'website',
      number: 42,
      fromFork: false,
    });
    expect(
      pullRequestOf('pull_request_target', 'acme-corp/website', event('pull_request_fork.json')),
    ).toMatchObject({ number: 43, fromFork: true });
  });

  it('treats a deleted head repository as a fork, and other events as no pull request', () => {
    const payload = event('pull_request_fork.json') as { pull_request: { head: { repo: unknown } } };
    payload.pull_request.head.repo = null;
    expect(pullRequestOf('pull_request', 'acme-corp/website', payload)?.fromFork).toBe(true);
    expect(pullRequestOf('push', 'acme-corp/website', event('push.json'))).toBeUndefined();
    expect(pullRequestOf('pull_request', undefined, event('pull_request.json'))).toBeUndefined();
    expect(pullRequestOf('pull_request', 'acme-corp/website', undefined)).toBeUndefined();
  });
});

describe('readInputs', () => {
  it('reads inputs as the runner sets them, splitting names on spaces, commas and newlines', () => {
    const inputs = readInputs({
      INPUT_NAMES: ' a.example  b.example,c.example\n*.d.example\n',
      'INPUT_FAIL-ON': 'warning',
      INPUT_COMMENT: 'False',
      INPUT_CHALLENGE: 'dns-01',
    });
    expect(inputs).toEqual({
      names: ['a.example', 'b.example', 'c.example', '*.d.example'],
      failOn: 'warning',
      comment: false,
      challenge: 'dns-01',
    });
    expect(readInputs({}).comment).toBe(true);
  });

  it('rejects values the Action does not know', () => {
    expect(() => readInputs({ INPUT_COMMENT: 'yes' })).toThrow(UsageError);
    expect(() => readInputs({ INPUT_CHALLENGE: 'dns01' })).toThrow(
      /input challenge: expected one of http-01/,
    );
  });
});

describe('commentBody and failsOn', () => {
  it('opens with the marker and stays within GitHub’s comment size', () => {
    expect(commentBody('# hi\n', 'job/abc')).toBe(`${COMMENT_MARKER} job/abc -->\n# hi\n`);
    const long = commentBody('x'.repeat(MAX_COMMENT_CHARS * 2), 'job/abc');
    expect(long.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(long.startsWith(COMMENT_MARKER)).toBe(true);
    expect(long).toMatch(/full report is in the job summary/);
  });

  it('keys the comment by job and by the set of names, whatever their order or case', () => {
    expect(commentKey('preflight', ['b.example', 'A.example'])).toBe(
      commentKey('preflight', ['a.example', 'b.example']),
    );
    expect(commentKey('preflight', ['a.example'])).not.toBe(commentKey('preflight', ['b.example']));
    expect(commentKey('staging', ['a.example'])).not.toBe(commentKey('preflight', ['a.example']));
    // A job id cannot end the HTML comment early.
    expect(markerFor(commentKey('a b<!--->', ['x']))).toMatch(
      /^<!-- acme-preflight:report a_b______\/[0-9a-f]{16} -->$/,
    );
  });

  it('fails on the chosen level', () => {
    expect([failsOn('warn', 'error'), failsOn('fail', 'error')]).toEqual([false, true]);
    expect([failsOn('pass', 'warning'), failsOn('warn', 'warning')]).toEqual([false, true]);
    expect(failsOn('fail', 'never')).toBe(false);
  });
});

describe('action.yml', () => {
  it('declares the inputs the Action reads, their defaults, and the bundle it runs', async () => {
    const { parse } = await import('yaml');
    const action = parse(readFileSync('action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['challenge', 'comment', 'config', 'fail-on', 'names', 'provider', 'token'].sort(),
    );
    // Empty, so failOn: in the config file applies unless the workflow sets the input.
    expect(action.inputs['fail-on']!.default).toBe('');
    expect(action.inputs['comment']!.default).toBe('true');
    expect(action.inputs['token']!.default).toBe('${{ github.token }}');
    expect(Object.keys(action.outputs).sort()).toEqual(['json-path', 'verdict']);
    expect(action.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    // Every declared default is one readInputs accepts.
    const env = Object.fromEntries(
      Object.entries(action.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v.default ?? '']),
    );
    expect(readInputs(env)).toMatchObject({ failOn: undefined, comment: true });
  });
});
