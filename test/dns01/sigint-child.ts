/** Child process for the signal test: a file-backed provider, a record held until a signal arrives. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withGuardedRecord } from '../../src/solve/dns01.js';
import { RecordStore } from '../../src/solve/store.js';
import type { DnsProvider, RecordHandle } from '../../providers/types.js';

const [zoneFile, stateFile] = process.argv.slice(2) as [string, string];
const read = (): string[] => JSON.parse(readFileSync(zoneFile, 'utf8')) as string[];
const provider: DnsProvider = {
  name: 'file',
  async createTxt(fqdn, value): Promise<RecordHandle> {
    writeFileSync(zoneFile, JSON.stringify([...read(), `${fqdn} TXT ${value}`]));
    return { provider: 'file', fqdn, value };
  },
  async deleteTxt(h) {
    await new Promise((r) => setTimeout(r, 50)); // an API round trip
    writeFileSync(zoneFile, JSON.stringify(read().filter((l) => l !== `${h.fqdn} TXT ${h.value}`)));
  },
};

void withGuardedRecord(
  provider,
  '_acme-challenge.example.test',
  'acme-preflight-test-child',
  (_h, signal) =>
    new Promise<void>((resolve) => {
      process.stdout.write('created\n');
      signal.addEventListener('abort', () => resolve());
      setTimeout(resolve, 20_000);
    }),
  { store: new RecordStore(stateFile) },
).then(() => process.stdout.write('returned normally\n'));
