import type { Report } from '../report.js';

/**
 * Characters JSON.stringify leaves raw that a terminal acts on: DEL and C1 controls (U+009B is CSI), line
 * and paragraph separators, bidirectional controls. Written as \uXXXX: the same JSON value, nothing forged.
 */
const RAW_CONTROLS = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export const renderJson = (report: Report): string =>
  JSON.stringify(report, null, 2).replace(
    RAW_CONTROLS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  ) + '\n';
