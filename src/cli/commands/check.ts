import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, outputOptions, type NetworkArgs, type OutputArgs } from '../options.js';
import type { Challenge } from '../../report/finding.js';

export interface CheckArgs extends NetworkArgs, OutputArgs {
  names: string[];
  challenge: Challenge;
  ca?: string;
  'account-uri'?: string;
  skip?: string[];
  webroot?: string;
}

export const CHALLENGES = ['http-01', 'dns-01', 'tls-alpn-01'] as const;

export function checkCommand(ctx: CommandContext): CommandModule<object, CheckArgs> {
  return {
    command: 'check [names..]',
    describe: 'Check whether the CA would issue a certificate for these names, and why not',
    builder: (y) =>
      outputOptions(
        networkOptions(
          y
            .positional('names', {
              type: 'string',
              array: true,
              demandOption: true,
              describe: 'Names (or IP addresses) in the order',
            })
            .option('challenge', {
              alias: 'c',
              choices: CHALLENGES,
              default: 'http-01' as const,
              describe: 'Challenge type the CA will use',
            })
            .option('ca', {
              type: 'string',
              describe: "CA issuer domain for CAA (default letsencrypt.org), or a CA's short name",
            })
            .option('account-uri', {
              type: 'string',
              describe: 'ACME account URL, for CAA accounturi (RFC 8657)',
            })
            .option('webroot', {
              type: 'string',
              describe: 'HTTP-01: write a real token file under DIR/.well-known/acme-challenge/, prove every address serves it, remove it',
            })
            .option('skip', {
              type: 'string',
              array: true,
              describe: 'Check families to leave out (e.g. propagation)',
            }),
        ),
      ) as never,
    handler: async (args) => {
      const [{ preflight }, { profileFromArgs }, { issuerDomainFor }, { renderReport }, { exitCodeFor }] = await Promise.all([
        import('../../engine/preflight.js'),
        import('../../config/profile.js'),
        import('../../config/ca.js'),
        import('../render.js'),
        import('../../report/report.js'),
      ]);
      const release = args.webroot ? await cleanupOnSignal() : undefined;
      const report = await preflight(args.names.map(String), {
        challenge: args.challenge,
        profile: profileFromArgs(args),
        ca: issuerDomainFor(args.ca),
        accountUri: args['account-uri'],
        skip: args.skip,
        webroot: args.webroot,
      }).finally(() => release?.());
      ctx.io.out(renderReport(report, args, ctx.io));
      ctx.setExit(exitCodeFor(report));
    },
  };
}

/** Ctrl-C during a webroot check must not leave a token file behind. */
async function cleanupOnSignal(): Promise<() => void> {
  const { cleanupWebrootTokens } = await import('../../checks/http01/index.js');
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanupWebrootTokens();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
