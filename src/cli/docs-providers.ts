/** README provider table from the adapters' metadata. */
import { listProviders } from '../../providers/registry.js';

export function providersMarkdown(): string {
  const out = [
    '| provider | code | environment variables (each also as `<NAME>_FILE`) | docs |',
    '| --- | --- | --- | --- |',
  ];
  for (const p of listProviders()) {
    const env = p.env.map((v) => `\`${v.name}\`${v.required ? '' : ' (optional)'}`).join(', ') || 'none';
    out.push(`| ${p.name} | \`${p.code}\` | ${env} | ${p.docs} |`);
  }
  return out.join('\n');
}
