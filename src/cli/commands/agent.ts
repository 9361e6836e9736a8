import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, type NetworkArgs } from '../options.js';

export interface AgentArgs extends NetworkArgs {
  name: string;
  rir: string;
  listen: string;
  'tokens-file'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'client-ca'?: string;
  'max-names'?: number;
  'max-body'?: number;
  'time-limit'?: number;
  'max-concurrent'?: number;
  'rate-limit'?: number;
  'access-log'?: boolean;
}

/** `acme-preflight agent`: serves the CA's validation operations from this network until SIGINT/SIGTERM. */
export function agentCommand(ctx: CommandContext): CommandModule<object, AgentArgs> {
  return {
    command: 'agent',
    describe:
      'Run a remote perspective: gather what the CA would see from this network, for check --perspective',
    builder: (y) =>
      networkOptions(
        y
          .option('name', {
            type: 'string',
            demandOption: true,
            describe: "This perspective's name (clients give it as --perspective NAME=URL)",
          })
          .option('rir', {
            type: 'string',
            demandOption: true,
            describe: 'Regional Internet Registry of this network: ARIN, RIPE, APNIC, LACNIC or AFRINIC',
          })
          .option('listen', { type: 'string', default: '127.0.0.1:8443', describe: 'HOST:PORT to listen on' })
          .option('tokens-file', {
            type: 'string',
            describe:
              'File of accepted bearer tokens, one per line (else ACME_PREFLIGHT_AGENT_TOKENS or ACME_PREFLIGHT_AGENT_TOKENS_FILE)',
          })
          .option('tls-cert', { type: 'string', describe: 'Serve HTTPS with this certificate (PEM)' })
          .option('tls-key', { type: 'string', describe: 'Key of --tls-cert (PEM)' })
          .option('client-ca', {
            type: 'string',
            describe: 'Require client certificates signed by this CA (mTLS; needs --tls-cert)',
          })
          .option('max-names', { type: 'number', describe: 'Names per request (default and most: 100)' })
          .option('max-body', { type: 'number', describe: 'Request body limit in bytes (default 16384)' })
          .option('time-limit', { type: 'number', describe: 'Seconds of work per request (default 60)' })
          .option('max-concurrent', { type: 'number', describe: 'Requests worked on at once (default 4)' })
          .option('rate-limit', { type: 'number', describe: 'Requests per token per minute (default 60)' })
          .option('access-log', {
            type: 'boolean',
            describe: 'Log one line per request to stderr (no headers)',
          }),
      ),
    handler: async (args) => {
      const { runAgent } = await import('../agent-run.js');
      await runAgent(args, ctx);
    },
  };
}
