// The public API of the package, as reviewed: every name each entry exports. Changing these lists is the review of
// an export added or removed (test/package/exports.test.ts checks src, import-outside.test.ts the built dist).
import ts from 'typescript';

/** `tasker`: names that exist at run time. */
export const TASKER_VALUES = [
  'ConfiguredTask',
  'EventSubscriber',
  'PermanentError',
  'RateLimitedError',
  'RetryableError',
  'StepHandler',
  'Tasker',
  'TaskerError',
  'TemplateRedefinedError',
  'TemplateValidationError',
  'defineTask',
  'isTaskerError',
  'routeTo',
  'trace',
];

/** `tasker`: names that are types only. */
export const TASKER_TYPES = [
  'ActivityWindow',
  'ActorOptions',
  'AnnotationInput',
  'AnyEventPayload',
  'ConcurrencyGroup',
  'CreatedTick',
  'CustomEventPayload',
  'DefineTaskOptions',
  'FeedListener',
  'FeedSubscription',
  'FinishedStep',
  'HandlerEntry',
  'HandlerModule',
  'HistoryFeed',
  'HistoryFeedRow',
  'HistoryPageRequest',
  'HistoryRow',
  'LifecycleEventMap',
  'LifecycleEventName',
  'LogFormat',
  'LogLevel',
  'LogMethod',
  'Logger',
  'OperatorAction',
  'OperatorReads',
  'OperatorResult',
  'PausedTemplate',
  'PermanentErrorOptions',
  'PlannedStep',
  'PruneOptions',
  'PruneResult',
  'RateLimitInfo',
  'RateLimitInput',
  'RateLimitedErrorOptions',
  'RerunFilter',
  'RerunOptions',
  'RerunWhereOptions',
  'RerunWhereResult',
  'RetentionCutoff',
  'RetentionOptions',
  'RetryPolicy',
  'RetryPolicyInput',
  'RetryableErrorOptions',
  'RoutingDecision',
  'ScheduleControl',
  'ScheduleInput',
  'ScheduleJson',
  'ScheduleRef',
  'ScheduleTemplate',
  'SequenceView',
  'StepDefaultsPatch',
  'StepEventName',
  'StepEventPayload',
  'StepHandlerFunction',
  'StepHandlerLike',
  'StepJson',
  'StepLogger',
  'StepOverrideInput',
  'StepSnapshot',
  'StepState',
  'StepTemplate',
  'StepTemplateInput',
  'StepView',
  'StepWait',
  'StoreActivity',
  'StoreHealth',
  'StoreStats',
  'SubmitResult',
  'TaskEventName',
  'TaskEventPayload',
  'TaskHandlerLike',
  'TaskJson',
  'TaskListFilter',
  'TaskPage',
  'TaskPauseResult',
  'TaskRequest',
  'TaskState',
  'TaskSummary',
  'TaskSummaryJson',
  'TaskTemplate',
  'TaskTemplateInput',
  'TaskView',
  'TaskWait',
  'TaskerErrorCode',
  'TaskerOptions',
  'TemplatePauseResult',
  'TemplateSource',
  'TraceContextHeaders',
  'TransitionRecord',
  'TriggerResult',
  'ValidationIssue',
  'WaitOptions',
];

/** `tasker/api`: names that exist at run time. */
export const API_VALUES = ['TaskerMetrics', 'createApiServer', 'signJwt'];

/** `tasker/api`: names that are types only. */
export const API_TYPES = ['ApiServerOptions', 'AuthConfig', 'TaskerMetricsOptions'];

export const sorted = (names: Iterable<string>): string[] => [...names].sort();

/** Every name a module exports, values and types, as the type checker sees them. */
export function exportedNames(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return new Map(
    files.map((file) => {
      const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
      return [file, sorted(checker.getExportsOfModule(symbol).map((s) => s.name))];
    }),
  );
}
