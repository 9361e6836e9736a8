/**
 * The one owner of SIGINT and SIGTERM for a command run. run() creates it and hands its AbortSignal down
 * (engine, solve layer, providers). The first signal aborts, so work stops and cleanup runs (a DNS-01 test
 * record or webroot token is removed); the command then ends 130 (SIGINT) or 143 (SIGTERM). A second
 * signal abandons cleanup and ends the process at once with the same code.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Shell convention: 128 + the signal's number. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Where signals come from and how the process ends at once: main.ts passes the process, tests a fake. */
export interface SignalSource {
  on(signal: NodeJS.Signals, handler: () => void): void;
  off(signal: NodeJS.Signals, handler: () => void): void;
  /** Ends the process now (the second signal). */
  exit(code: number): void;
}

/** No signals ever arrive (in-process runs); nothing is installed on the process. */
export const noSignals: SignalSource = { on: () => undefined, off: () => undefined, exit: () => undefined };

const STOP: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export class SignalOwner {
  private readonly abort = new AbortController();
  private first: StopSignal | undefined;
  private forward: ((s: NodeJS.Signals) => void) | undefined;
  private graceful = false;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private readonly waiters: ((s: StopSignal) => void)[] = [];

  constructor(private readonly source: SignalSource) {
    for (const s of STOP) this.listen(s);
  }

  /** Aborts on the first SIGINT/SIGTERM; its reason is an Error named after the signal ("SIGINT"). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get received(): StopSignal | undefined {
    return this.first;
  }

  /** 130/143 once a signal stopped the command; undefined when none did (or a server shut down cleanly). */
  get exitCode(): number | undefined {
    return this.first && !this.graceful ? SIGNAL_EXIT[this.first] : undefined;
  }

  /**
   * Resolves on the first signal: how lab, serve and agent know to shut down. A server that then closes
   * cleanly ends with its own exit code (0), as service managers expect of a requested stop.
   */
  stopped(): Promise<StopSignal> {
    this.graceful = true;
    if (this.first) return Promise.resolve(this.first);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** While a child runs (guard), signals go to it instead, SIGHUP too; its exit status becomes ours. */
  forwardTo(fn: (s: NodeJS.Signals) => void): () => void {
    this.forward = fn;
    this.listen('SIGHUP');
    return () => {
      this.forward = undefined;
      this.unlisten('SIGHUP');
    };
  }

  /** Removes every handler from the source (run() does so when the command has returned). */
  dispose(): void {
    for (const s of [...this.handlers.keys()]) this.unlisten(s);
  }

  private receive(s: NodeJS.Signals): void {
    if (this.forward) return this.forward(s);
    if (s !== 'SIGINT' && s !== 'SIGTERM') return;
    if (this.first) return this.source.exit(SIGNAL_EXIT[this.first]);
    this.first = s;
    this.abort.abort(new Error(s));
    for (const w of this.waiters.splice(0)) w(s);
  }

  private listen(s: NodeJS.Signals): void {
    if (this.handlers.has(s)) return;
    const h = (): void => this.receive(s);
    this.handlers.set(s, h);
    this.source.on(s, h);
  }

  private unlisten(s: NodeJS.Signals): void {
    const h = this.handlers.get(s);
    if (!h) return;
    this.handlers.delete(s);
    this.source.off(s, h);
  }
}
