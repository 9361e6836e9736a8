/** Option builders shared by every command that talks to the network or prints a report. */
import type { Argv } from 'yargs';
import type { NetworkArgs, OutputArgs } from '../config/args.js';

export type { NetworkArgs, OutputArgs } from '../config/args.js';

export function networkOptions<T>(y: Argv<T>): Argv<T & NetworkArgs> {
  return y
    .option('root-hints', {
      type: 'string',
      array: true,
      group: 'Network:',
      describe:
        'Root server addresses (IP, or name=IP), or a root hints file (named.root format). Repeatable.',
    })
    .option('trust-anchor', {
      type: 'string',
      group: 'Network:',
      describe:
        'File of root DS or DNSKEY records (zone-file format, as unbound trust-anchor-file). Replaces the built-in KSK-2017/KSK-2024.',
    })
    .option('resolver', {
      type: 'string',
      array: true,
      group: 'Network:',
      describe:
        "Public resolver to compare with (IP or name=IP; repeatable; 'none' for none). Default: Google, Cloudflare, Quad9, OpenDNS.",
    })
    .option('dns-port', {
      type: 'number',
      group: 'Network:',
      describe: 'Port of every DNS server asked.',
      default: undefined,
    })
    .option('http-port', {
      type: 'number',
      group: 'Network:',
      describe: 'Port the CA uses for HTTP-01 (80).',
    })
    .option('tls-port', {
      type: 'number',
      group: 'Network:',
      describe: 'Port the CA uses for TLS-ALPN-01 and HTTPS (443).',
    })
    .option('allow-address', {
      type: 'string',
      array: true,
      group: 'Network:',
      describe:
        'Treat this reserved CIDR as public (labs and tests only); its addresses count as remote, never as this machine. Repeatable.',
    })
    .option('public-suffix', {
      type: 'string',
      array: true,
      group: 'Network:',
      describe: 'Treat this name as a public suffix (labs and tests only, e.g. test). Repeatable.',
    })
    .option('timeout', {
      type: 'number',
      group: 'Network:',
      describe: 'Seconds to wait for one DNS answer (default 3).',
    })
    .option('concurrency', {
      type: 'number',
      group: 'Network:',
      describe: 'DNS queries in flight at once (default 128).',
    })
    .option('name-deadline', {
      type: 'number',
      group: 'Network:',
      describe:
        'Seconds all checks of one name may take; then CHECK_DEADLINE says what did not finish (default 45).',
    })
    .option('run-deadline', {
      type: 'number',
      group: 'Network:',
      describe: 'Seconds the whole run may take (default 600).',
    }) as Argv<T & NetworkArgs>;
}

export function outputOptions<T>(y: Argv<T>): Argv<T & OutputArgs> {
  return y
    .option('format', {
      alias: 'f',
      choices: ['text', 'json', 'markdown'] as const,
      default: 'text' as const,
      group: 'Output:',
      describe: 'Report format.',
    })
    .option('color', {
      type: 'boolean',
      group: 'Output:',
      describe: 'Colour the text report (default: on a terminal).',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      group: 'Output:',
      describe: 'Leave out info findings in text.',
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      group: 'Output:',
      describe:
        'Text: every finding in full, with all its evidence (by default info findings take one line).',
    }) as Argv<T & OutputArgs>;
}
