export * from './record.js';
export * from './judge.js';
