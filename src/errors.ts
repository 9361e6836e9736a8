/** A problem with what the caller asked for (bad name, bad option, bad config): exit code 2 in the CLI. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
