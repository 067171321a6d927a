// What may name an actor, the "who" recorded with an operator action in the history: 1-100 printable Unicode
// characters — no control, format (bidi overrides, zero-width), surrogate, private-use, unassigned or line/paragraph
// separator characters — without surrounding spaces. A JWT `sub` and the X-Tasker-Actor header are both held to it.

export const ACTOR_MAX_CHARS = 100;
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/** Why `value` cannot name an actor, or null when it can. */
export function actorProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty';
  if ([...value].length > ACTOR_MAX_CHARS) return `must be at most ${ACTOR_MAX_CHARS} characters`;
  if (NOT_PRINTABLE.test(value)) return 'must hold printable characters only (no control or format characters)';
  if (/^\s|\s$/u.test(value)) return 'must not start or end with a space';
  return null;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** An HTTP header value as text: Node hands header bytes over one char each; decode them as UTF-8 (null if not). */
export function headerText(value: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return null;
  }
}
