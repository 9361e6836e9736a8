import { spawnSync } from 'node:child_process';
import { expect, it } from '@jest/globals';

// action.yml runs the committed bundle, not src/: a change to src/ without a rebuilt bundle ships old code.
it('the committed Action bundle is what src/ builds to', () => {
  const r = spawnSync(process.execPath, ['action/build.mjs', '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 60_000);
