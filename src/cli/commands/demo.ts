import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { outputOptions, type OutputArgs } from '../options.js';

export interface DemoArgs extends OutputArgs {
  scenario?: string;
}

/** Starts the lab's small broken internet on loopback and checks its names: real reports, no network. */
export function demoCommand(ctx: CommandContext): CommandModule<object, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Check a few broken example domains served by an in-process lab (no network needed)',
    builder: (y) =>
      outputOptions(
        y.option('scenario', {
          type: 'string',
          describe: 'Scenario file to serve instead of the built-in demo',
        }),
      ),
    handler: async (args) => {
      const [{ join }, { packageRoot }, { startLab }, { preflight }, { renderReport }] = await Promise.all([
        import('node:path'),
        import('../../paths.js'),
        import('../../lab/index.js'),
        import('../../engine/preflight.js'),
        import('../render.js'),
      ]);
      const file = args.scenario ?? join(packageRoot(), 'fixtures', 'scenarios', 'demo.yaml');
      // A missing or malformed scenario is the caller's mistake, as in `lab` (exit 2).
      const scenario = (await import('../scenario.js')).scenarioFile(file);
      const names = Object.keys(scenario.expect ?? {});
      const lab = await startLab(scenario);
      try {
        ctx.io.err(
          `Lab: ${scenario.servers.length} DNS servers on 127.0.0.0/8 port ${lab.profile.dnsPort}; checking ${names.join(', ')}\n\n`,
        );
        const report = await preflight(names, { profile: lab.profile });
        ctx.io.out(renderReport(report, args, ctx.io));
      } finally {
        await lab.stop();
      }
    },
  };
}
