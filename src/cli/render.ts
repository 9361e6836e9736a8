import type { Report } from '../report/report.js';
import { renderJson } from '../report/render/json.js';
import { renderMarkdown } from '../report/render/markdown.js';
import { renderText } from '../report/render/text.js';
import type { CliIo } from './io.js';
import type { OutputArgs } from './options.js';

export function renderReport(report: Report, args: OutputArgs, io: CliIo): string {
  switch (args.format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    default:
      return renderText(report, {
        colour: useColour(args.color, io),
        quiet: args.quiet,
        verbose: args.verbose,
      });
  }
}

/**
 * --color/--no-color, then FORCE_COLOR (any value but 0/false; even into a pipe), then NO_COLOR (any
 * non-empty value) and TERM=dumb, then whether stdout is a terminal.
 */
export function useColour(flag: boolean | undefined, io: Pick<CliIo, 'isTTY' | 'env'>): boolean {
  if (flag !== undefined) return flag;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (io.env.NO_COLOR) return false;
  if (io.env.TERM === 'dumb') return false;
  return io.isTTY;
}
