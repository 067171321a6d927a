// The public library surface of `tasker`: everything a program outside the repo imports.
export * from './definition/model.js';
export * from './engine/states.js';
export * from './engine/errors.js';
export * from './engine/handler-api.js';
export type * from './store/store.js';
