// Checks of a signal before any store writes it: its name, its sender's key and its payload (JSON as written, at
// most SIGNAL_PAYLOAD_MAX_BYTES), each refused with a message naming the field. Returns the payload's JSON text.
import { InvalidRequestError } from '../../core/errors.js';
import {
  SIGNAL_KEY_MAX_LENGTH,
  SIGNAL_NAME_PATTERN,
  SIGNAL_PAYLOAD_MAX_BYTES,
  type SendSignalRequest,
} from '../../core/store-contract.js';
import { encodeFaithfulJson } from './json.js';

export function assertSignal(req: SendSignalRequest): string {
  if (!Number.isSafeInteger(req.task_id)) throw new InvalidRequestError('sendSignal: task_id must be an integer');
  if (typeof req.name !== 'string' || !SIGNAL_NAME_PATTERN.test(req.name)) {
    throw new InvalidRequestError(`sendSignal: signal name must match ${String(SIGNAL_NAME_PATTERN)}`, [
      { field: 'name', message: 'not a signal name' },
    ]);
  }
  const key = req.signal_key;
  if (key !== null && (typeof key !== 'string' || key === '' || key.length > SIGNAL_KEY_MAX_LENGTH)) {
    throw new InvalidRequestError(`sendSignal: signal_id must be 1 to ${SIGNAL_KEY_MAX_LENGTH} characters`, [
      { field: 'signal_id', message: 'bad length' },
    ]);
  }
  if (!Array.isArray(req.wake) || req.wake.some((n) => typeof n !== 'string')) {
    throw new InvalidRequestError('sendSignal: wake must be an array of step names');
  }
  const text = encodeFaithfulJson(req.payload ?? null, 'signal payload', 'payload') ?? 'null';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > SIGNAL_PAYLOAD_MAX_BYTES) {
    throw new InvalidRequestError(
      `sendSignal: payload is ${bytes} bytes as JSON; the most a signal carries is ${SIGNAL_PAYLOAD_MAX_BYTES} bytes (256 KB)`,
      [{ field: 'payload', message: 'too large' }],
    );
  }
  return text;
}
