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
        colour: args.color ?? (io.isTTY && !io.env.NO_COLOR),
        quiet: args.quiet,
        verbose: args.verbose,
      });
  }
}
