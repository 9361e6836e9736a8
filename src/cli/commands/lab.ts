import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';

export interface LabArgs {
  scenario: string;
  port?: number;
  delay?: number;
}

/** Serves a scenario until interrupted, and prints the flags that point `check` at it. */
export function labCommand(ctx: CommandContext): CommandModule<object, LabArgs> {
  return {
    command: 'lab <scenario>',
    describe:
      'Serve a scenario file (a small internet on 127.0.0.0/8) until Ctrl-C, for trying checks against it',
    builder: (y) =>
      y
        .positional('scenario', {
          type: 'string',
          demandOption: true,
          describe: 'Scenario YAML file (see fixtures/scenarios/)',
        })
        .option('port', { type: 'number', describe: 'DNS port for every server (default: a free one)' })
        .option('delay', { type: 'number', describe: 'Milliseconds added before every DNS answer' }),
    handler: async (args) => {
      const { startLab } = await import('../../lab/index.js');
      const { UsageError } = await import('../../errors.js');
      if (args.port !== undefined && !(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535))
        throw new UsageError('--port must be a port number from 0 to 65535 (0: a free one)');
      if (args.delay !== undefined && !(args.delay >= 0 && args.delay <= 60_000))
        throw new UsageError('--delay must be between 0 and 60000 milliseconds');
      const scenario = (await import('../scenario.js')).scenarioFile(args.scenario);
      const lab = await startLab(scenario, { port: args.port, delayMs: args.delay });
      const { argsForProfile } = await import('../../config/profile.js');
      const flags = argsForProfile(lab.profile);
      ctx.io.out(`Serving ${lab.servers.length} DNS servers on port ${lab.port}. Check against it with:\n`);
      ctx.io.out(`  acme-preflight check <names> ${flags.join(' ')}\n`);
      await ctx.signals.stopped();
      await lab.stop();
    },
  };
}
