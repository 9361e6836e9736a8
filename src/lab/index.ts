export * from './scenario.js';
export * from './zone.js';
export * from './authority.js';
export * from './respond.js';
export * from './server.js';
export * from './load.js';
export * from './lab.js';
