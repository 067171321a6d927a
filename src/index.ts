// The public library surface of `tasker`: everything a program outside the repo imports to define and run
// workflows. The HTTP API (Fastify, metrics) is the separate `tasker/api` entry (src/api/index.ts).
export * from './definition/model.js';
export * from './core/states.js';
export * from './core/errors.js';
export * from './core/handler-api.js';
export type * from './core/store-contract.js';
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
export { Tasker, type TaskerOptions, type SubmitResult, type WaitOptions } from './engine/tasker.js';
export type { TaskRequest } from './engine/task-request.js';
export type { TaskJson, StepJson, TaskSummaryJson } from './engine/task-json.js';
export * from './engine/events.js';
export { EventSubscriber, handlerMethodName } from './engine/event-subscriber.js';
export { openStore } from './store/open-store.js';
export { createLogger, silentLogger, type Logger } from './telemetry/logger.js';
