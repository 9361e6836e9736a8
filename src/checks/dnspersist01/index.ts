export * from './record.js';
export * from './judge.js';
export * from './gather.js';
