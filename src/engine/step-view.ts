// The `step` argument a handler receives for one attempt: plain fields for what is known at claim time, accessors on
// the class prototype for what is read on demand (the abort signal, the attempt's logger, its span and trace context).
// A class rather than an object literal: each getter written in a literal costs a runtime call and a closure for every
// step (and tsx's keepNames wraps each one once more), which showed up on the W2 hot path.
import type { Span } from '@opentelemetry/api';
import type { StepLogger } from '../core/step-logger.js';
import type { StepView } from '../core/handler-api.js';
import type { ClaimedStep } from '../core/store-contract.js';
import type { AttemptLog } from '../telemetry/log-fields.js';
import { NON_RECORDING_SPAN } from '../telemetry/tracing.js';
import { headersOf } from '../telemetry/trace-context.js';
import type { StepAbortHandle } from './step-abort.js';

/** What a map instance's handler gets besides the usual (map-steps.ts). */
export interface MapInstance {
  /** The mapped step's (template step's) name. */
  step: string;
  index: number;
  item: unknown;
}

export class AttemptStepView implements StepView {
  readonly workflow_step_id: number;
  readonly name: string;
  readonly task_id: number;
  readonly attempts: number;
  readonly retry_limit: number;
  readonly config: Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly item?: any;
  readonly index?: number;
  readonly publish: (eventName: string, payload?: Record<string, unknown>) => void;
  readonly #abort: StepAbortHandle;
  readonly #log: AttemptLog;
  readonly #span: Span | undefined;

  constructor(
    claimed: ClaimedStep,
    config: Record<string, unknown>,
    abort: StepAbortHandle,
    log: AttemptLog,
    publish: (eventName: string, payload?: Record<string, unknown>) => void,
    span: Span | undefined,
    /** A map instance: its template step's name, index and item. */
    instance?: MapInstance,
  ) {
    this.workflow_step_id = claimed.step_id;
    this.name = instance ? instance.step : claimed.name;
    if (instance) {
      this.index = instance.index;
      this.item = instance.item;
    }
    this.task_id = claimed.task.task_id;
    this.attempts = claimed.attempt;
    this.retry_limit = claimed.retry_limit;
    this.config = config;
    this.publish = publish;
    this.#abort = abort;
    this.#log = log;
    this.#span = span;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get logger(): StepLogger {
    return this.#log.logger;
  }

  get span(): Span {
    return this.#span ?? NON_RECORDING_SPAN;
  }

  get traceContext(): StepView['traceContext'] {
    return this.#span ? headersOf(this.#span.spanContext()) : null;
  }
}
