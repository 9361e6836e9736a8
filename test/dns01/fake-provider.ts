/** An in-memory DnsProvider over the lab: creates on the primary at once and on other servers after a delay. */
import type { Lab } from '../../src/lab/index.js';
import type { DnsProvider, RecordHandle } from '../../providers/types.js';

export interface FakeProviderOptions {
  /** Server names that receive a created record, with the delay in ms before each does. */
  servers: Record<string, number>;
  nameservers?: string[];
  failCreate?: boolean;
  failDelete?: boolean;
}

export class FakeLabProvider implements DnsProvider {
  readonly name = 'fake';
  readonly calls: string[] = [];
  /** performance.now() when each server received the last created record. */
  readonly addedAt = new Map<string, number>();
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  zoneNameservers?: (fqdn: string) => Promise<string[]>;

  constructor(
    private readonly lab: Lab,
    private readonly opts: FakeProviderOptions,
  ) {
    if (opts.nameservers) {
      const ns = opts.nameservers;
      this.zoneNameservers = async () => ns;
    }
  }

  private rr(fqdn: string, value: string): string {
    return `${fqdn}. 60 IN TXT ${JSON.stringify(value)}`;
  }

  async createTxt(fqdn: string, value: string): Promise<RecordHandle> {
    this.calls.push(`create ${fqdn} ${value}`);
    if (this.opts.failCreate) throw new Error('API says 403 forbidden');
    for (const [server, delay] of Object.entries(this.opts.servers)) {
      const add = (): void => {
        this.lab.addRecord(server, this.rr(fqdn, value));
        this.addedAt.set(server, performance.now());
      };
      if (delay === 0) add();
      else if (delay > 0) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          add();
        }, delay);
        this.timers.add(t);
      }
    }
    return { provider: this.name, fqdn, value, id: ++this.seq };
  }

  async deleteTxt(handle: RecordHandle): Promise<void> {
    this.calls.push(`delete ${handle.fqdn} ${handle.value}`);
    if (this.opts.failDelete) throw new Error('API says 500');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const server of Object.keys(this.opts.servers))
      this.lab.removeRecord(server, this.rr(handle.fqdn, handle.value));
  }
}

/** Every record of every authoritative server, as sorted text, to compare zones before and after. */
export function snapshot(lab: Lab): string[] {
  return lab.servers
    .filter((s) => s.role === 'authoritative')
    .flatMap((s) =>
      lab.records(s.name).map((r) => {
        const data = r.type === 'TXT' ? (r.data as Buffer[]).map((b) => b.toString('utf8')) : r.data;
        return `${s.name} ${r.name} ${r.type} ${JSON.stringify(data)}`;
      }),
    )
    .sort();
}
