/** A problem with what the caller asked for (bad name, bad option, bad config): exit code 2 in the CLI. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Every problem of a config file at once, one `file:line:col: key: message` line each. */
export class ConfigFileError extends UsageError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigFileError';
  }
}
