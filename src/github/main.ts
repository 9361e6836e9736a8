/** The Action's entry point (bundled to action/dist/index.js): real dependencies, then the exit status. */
import { readFileSync, writeFileSync } from 'node:fs';
import * as core from '@actions/core';
import { Octokit } from '@octokit/rest';
import { preflight } from '../engine/preflight.js';
import { runAction } from './action.js';

const quietLog = { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} };

const result = await runAction({
  env: process.env,
  core,
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, data) => writeFileSync(path, data),
  // runAction reports request failures itself (a 403 on a fork is expected, not an error).
  github: (token, baseUrl) =>
    new Octokit({ auth: token, baseUrl, userAgent: 'acme-preflight-action', log: quietLog }),
  preflight,
});
process.exitCode = result.exitCode;
