import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';

export interface ProvidersArgs {
  format: 'text' | 'json';
}

/** Lists the DNS-provider adapters and the environment variables each reads, from their metadata. */
export function providersCommand(ctx: CommandContext): CommandModule<object, ProvidersArgs> {
  return {
    command: 'providers',
    describe: 'List the DNS providers for DNS-01 and the environment variables each needs',
    builder: (y) =>
      y.option('format', {
        alias: 'f',
        choices: ['text', 'json'] as const,
        default: 'text' as const,
      }) as never,
    handler: async (args) => {
      const { listProviders } = await import('../../../providers/registry.js');
      const all = listProviders();
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
