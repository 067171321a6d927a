// The public library surface of `tasker`: what a program outside the repo imports to define and run workflows, and
// nothing else. Each name is listed here on purpose (test/package/exports.test.ts holds the list, so a new export is
// a reviewed change); internals are imported by path inside the repo. The HTTP API (Fastify, metrics) is the
// separate `tasker/api` entry (src/api/index.ts).

// The engine facade, its options and what its methods take and return.
export { Tasker, type ActorOptions, type SubmitResult, type WaitOptions } from './engine/tasker.js';
export type { RetentionOptions, TaskerOptions } from './engine/option-types.js';
export type { PruneOptions, RetentionCutoff } from './engine/retention.js';
export type { LogFormat, LogLevel } from './core/defaults.js';
export type { Logger } from './telemetry/logger.js';
export type { TaskRequest } from './engine/task-request.js';
export type { TaskJson, StepJson, TaskSummaryJson } from './engine/task-json.js';
export type { StoreHealth } from './engine/store-health.js';
export type { RerunFilter, RerunOptions, RerunWhereOptions, RerunWhereResult } from './engine/task-rerun.js';
export type { HandlerModule } from './definition/handler-module.js';
export type { OperatorReads } from './engine/operator-reads.js';
export type { ScheduleControl, ScheduleRef, TriggerResult } from './engine/schedule-control.js';
export type { ScheduleJson } from './engine/schedule-json.js';
export type { RateLimitInput } from './definition/define-task.js';
export type { CreatedTick } from './engine/scheduler.js';
export type { FeedListener, FeedSubscription, HistoryFeed } from './engine/history-feed.js';
export type {
  ActivityWindow,
  ConcurrencyGroup,
  HistoryFeedRow,
  HistoryPageRequest,
  HistoryRow,
  OperatorAction,
  OperatorResult,
  PausedTemplate,
  PruneResult,
  RateLimitInfo,
  StoreActivity,
  StoreStats,
  TaskListFilter,
  TaskPage,
  TaskPauseResult,
  TaskSummary,
  TemplatePauseResult,
  TransitionRecord,
} from './core/store-contract.js';
export type { StepState, StepWait, TaskState, TaskWait } from './core/states.js';

// Templates, written in code or loaded from YAML.
export {
  defineTask,
  type DefineTaskOptions,
  type RetryPolicyInput,
  type ScheduleInput,
  type StepOverrideInput,
  type StepTemplateInput,
  type TaskTemplateInput,
} from './definition/define-task.js';
export type { RetryPolicy, ScheduleTemplate, StepTemplate, TaskTemplate, TemplateSource } from './definition/model.js';
export type { ValidationIssue } from './definition/validation-issue.js';

// The handler API: what step handlers, task handlers and subscribers see and use.
export {
  ConfiguredTask,
  StepHandler,
  routeTo,
  type AnnotationInput,
  type FinishedStep,
  type PlannedStep,
  type RoutingDecision,
  type SequenceView,
  type StepDefaultsPatch,
  type StepHandlerFunction,
  type StepHandlerLike,
  type StepSnapshot,
  type StepView,
  type TaskHandlerLike,
  type TaskView,
} from './core/handler-api.js';
export type { LogMethod, StepLogger } from './core/step-logger.js';
export type { HandlerEntry } from './definition/handler-registry.js';
// A handler's own span, a child of its step's span (OpenTelemetry; docs/observability.md).
export { trace } from './telemetry/trace-helper.js';
export type { TraceContextHeaders } from './telemetry/trace-context.js';
export { EventSubscriber } from './engine/event-subscriber.js';
export type {
  AnyEventPayload,
  CustomEventPayload,
  LifecycleEventMap,
  LifecycleEventName,
  StepEventName,
  StepEventPayload,
  TaskEventName,
  TaskEventPayload,
} from './engine/events.js';

// Errors a handler throws, and those a caller catches (check them with isTaskerError and `code`).
export {
  PermanentError,
  RateLimitedError,
  RetryableError,
  TaskerError,
  isTaskerError,
  type PermanentErrorOptions,
  type RateLimitedErrorOptions,
  type RetryableErrorOptions,
  type TaskerErrorCode,
} from './core/errors.js';
export { TemplateValidationError } from './definition/validation-issue.js';
export { TemplateRedefinedError } from './definition/template-redefinition.js';
