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
      const { startLab, loadScenario } = await import('../../lab/index.js');
      const { UsageError } = await import('../../errors.js');
      let scenario;
      try {
        scenario = loadScenario(args.scenario);
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
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
