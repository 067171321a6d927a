// The keys a task template may contain, at each level. Anything else is reported as an unknown key.

export const TASK_KEYS = [
  'name',
  'namespace_name',
  'version',
  'description',
  'task_handler_class',
  'module_namespace',
  'default_dependent_system',
  'default_step_timeout',
  'priority',
  'concurrency',
  'rate_limits',
  'named_steps',
  'schema',
  'step_templates',
  'environments',
  'schedules',
] as const;

export const STEP_KEYS = [
  'name',
  'description',
  'dependent_system',
  'handler_class',
  'handler_config',
  'depends_on_step',
  'depends_on_steps',
  'default_retryable',
  'default_retry_limit',
  'skippable',
  'timeout',
  'retry',
  'concurrency',
  'rate_limit',
  'wait_for',
  'subtask',
  'map',
] as const;

export const WAIT_KEYS = ['signal', 'timeout', 'duration', 'until'] as const;

export const SUBTASK_KEYS = ['namespace', 'name', 'version', 'context_from'] as const;

export const MAP_KEYS = ['over', 'max_parallel'] as const;

export const RETRY_KEYS = ['base', 'multiplier', 'max', 'jitter'] as const;

export const RATE_LIMIT_KEYS = ['limit', 'period', 'burst'] as const;

export const ENVIRONMENT_KEYS = ['step_templates'] as const;

export const SCHEDULE_KEYS = ['name', 'cron', 'timezone', 'context', 'catch_up', 'enabled'] as const;

export type TaskKey = (typeof TASK_KEYS)[number];
export type StepKey = (typeof STEP_KEYS)[number];
export type RetryKey = (typeof RETRY_KEYS)[number];
