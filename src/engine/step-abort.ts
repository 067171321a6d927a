// Aborting one in-flight step attempt (timeout, cancellation, lost lease, shutdown) without paying for an
// AbortController per step: the handler's `step.signal` is created only when a handler reads it.

/** Why a step's attempt was aborted by the engine (a handler's own errors are not aborts). */
export type AbortCause = 'timeout' | 'cancelled' | 'lease_lost' | 'shutdown';

export class StepAbort extends Error {
  override name = 'StepAbort';
  readonly abortCause: AbortCause;
  constructor(cause: AbortCause, message: string) {
    super(message);
    this.abortCause = cause;
  }
}

export class StepAbortHandle {
  private controller: AbortController | null = null;
  private why: StepAbort | undefined;
  private onAbort: ((reason: StepAbort) => void) | null = null;

  get aborted(): boolean {
    return this.why !== undefined;
  }

  get reason(): StepAbort | undefined {
    return this.why;
  }

  /** The signal handlers see; made on first use and already aborted if the attempt was. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.why) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  /** Abort once; later calls are ignored. */
  abort(reason: StepAbort): void {
    if (this.why) return;
    this.why = reason;
    this.controller?.abort(reason);
    const f = this.onAbort;
    this.onAbort = null;
    f?.(reason);
  }

  /** Settle with `work`, or reject with the abort reason as soon as the attempt is aborted. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.why) return Promise.reject(this.why);
    return new Promise<T>((resolve, reject) => {
      this.onAbort = reject;
      work.then(
        (v) => {
          this.onAbort = null;
          resolve(v);
        },
        (e) => {
          this.onAbort = null;
          reject(e);
        },
      );
    });
  }
}
