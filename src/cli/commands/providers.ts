import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';

export interface ProvidersArgs {
  format: 'text' | 'json';
  'env-names'?: string;
}

/** Lists the DNS-provider adapters and the environment variables each reads, from their metadata. */
export function providersCommand(ctx: CommandContext): CommandModule<object, ProvidersArgs> {
  return {
    command: 'providers',
    describe: 'List the DNS providers for DNS-01 and the environment variables each needs',
    builder: (y) =>
      y
        .option('format', {
          alias: 'f',
          choices: ['text', 'json'] as const,
          default: 'text' as const,
        })
        .option('env-names', {
          type: 'string',
          describe:
            'Print only the names of the environment variables provider CODE reads, one per line (for scripts such as the acme.sh hook)',
          requiresArg: true,
        }),
    handler: async (args) => {
      const { listProviders } = await import('../../../providers/registry.js');
      const all = listProviders();
      if (args['env-names'] !== undefined) {
        const code = args['env-names'];
        const p = all.find((x) => x.code === code);
        if (!p)
          throw new UsageError(`unknown provider "${code}"; known: ${all.map((x) => x.code).join(', ')}`);
        ctx.io.out(p.env.map((v) => `${v.name}\n`).join(''));
        return;
      }
      if (args.format === 'json') {
        ctx.io.out(JSON.stringify(all, null, 2) + '\n');
        return;
      }
      for (const p of all) {
        ctx.io.out(`${p.code}: ${p.name}. ${p.description}\n  docs: ${p.docs}\n`);
        for (const v of p.env) {
          const flags = [v.required ? 'required' : 'optional', ...(v.secret ? ['secret'] : [])].join(', ');
          ctx.io.out(`  ${v.name} (${flags}; also ${v.name}_FILE): ${v.description}\n`);
        }
      }
    },
  };
}
