/** CAA for one identifier: gather (I/O), evaluate and judge (pure), check (both in one call). */
export * from './evaluate.js';
export * from './judge.js';
export * from './gather.js';
export * from './issuers.js';
export * from './parse.js';
export * from './check.js';
