export * from './value.js';
export * from './judge.js';
export * from './readiness.js';
export * from './gather.js';
export * from './account.js';
