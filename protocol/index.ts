export * from './errors.js';
export * from './limits.js';
export * from './types.js';
export * from './messenger.js';
export * from './agents.js';
