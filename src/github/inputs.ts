/** The Action's inputs, read from INPUT_* as the runner sets them (pure: the environment is passed in). */
import { UsageError } from '../errors.js';
import { CONFIG_CHALLENGES, FAIL_ON, type FailOn } from '../config/schema.js';
import type { Challenge } from '../report/finding.js';

export interface ActionInputs {
  names: string[];
  config?: string;
  challenge?: Challenge;
  provider?: string;
  failOn?: FailOn;
  comment: boolean;
  token?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** As @actions/core's getInput: spaces become underscores, upper case, value trimmed. */
export const input = (env: Env, name: string): string =>
  (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  const v = input(env, name);
  if (v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`input ${name}: expected one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** YAML 1.2 core-schema booleans, as getBooleanInput accepts. */
function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = input(env, name);
  if (v === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new UsageError(`input ${name}: expected true or false, got "${v}"`);
}

export function readInputs(env: Env): ActionInputs {
  const optional = (name: string): string | undefined => input(env, name) || undefined;
  return {
    names: input(env, 'names')
      .split(/[\s,]+/)
      .filter((n) => n !== ''),
    config: optional('config'),
    challenge: oneOf(env, 'challenge', CONFIG_CHALLENGES),
    provider: optional('provider'),
    // The input's default lives in action.yml; an unset fail-on means the config file's, then 'error'.
    failOn: oneOf(env, 'fail-on', FAIL_ON),
    comment: bool(env, 'comment', true),
    token: optional('token'),
  };
}
