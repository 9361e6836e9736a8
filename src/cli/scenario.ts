/** A scenario file for `demo --scenario` and `lab`: any problem with it is the caller's (exit 2). */
import { loadScenario, type Scenario } from '../lab/index.js';
import { UsageError } from '../errors.js';

export function scenarioFile(file: string): Scenario {
  try {
    return loadScenario(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A read error (EISDIR, EACCES) does not say which file.
    if (code) throw new UsageError(`scenario file ${file}: cannot read it (${code})`);
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
