// The serving options of createApiServer that are not about routes: their defaults (in this one place) and the
// error a bad value raises.
import { TaskerError } from '../engine/errors.js';

/** An option of createApiServer (or the `tasker serve` flag behind it) that cannot be used. Exit code 2. */
export class ApiOptionError extends TaskerError {
  override name = 'ApiOptionError';
  constructor(message: string, details?: unknown) {
    super(message, 'api_option', details);
  }
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
