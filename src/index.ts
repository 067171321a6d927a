// The public library surface of `tasker`: everything a program outside the repo imports.
export * from './definition/model.js';
export * from './engine/states.js';
export * from './engine/errors.js';
export * from './engine/handler-api.js';
export type * from './store/store.js';
export * from './definition/validation-issue.js';
export * from './definition/template-loader.js';
export { validateTemplate, type ValidateOptions, type ValidationResult } from './definition/template-validator.js';
export * from './definition/define-task.js';
export * from './definition/dag.js';
export * from './definition/graph-format.js';
export * from './definition/template-registry.js';
export * from './definition/handler-naming.js';
export * from './definition/handler-registry.js';
export { toStepHandler, toTaskHandler } from './definition/handler-entry.js';
export * from './definition/handler-module.js';
export { compileJsonSchema } from './definition/json-schema.js';
