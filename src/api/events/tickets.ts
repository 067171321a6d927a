// Event stream tickets: a browser's EventSource cannot send an Authorization header, so a client holding a token asks
// POST /events/tickets for a ticket and opens GET /events/stream?ticket=… with it. A ticket is random (256 bits),
// single-use, valid for 60 s, kept in this server process's memory only, and carries the scopes of the principal it
// was issued to (never the token): redeeming it proves those scopes once.
import { randomBytes } from 'node:crypto';
import type { Principal } from '../context.js';

export const TICKET_TTL_MS = 60_000;
/** Unredeemed tickets kept at once; beyond it the oldest are dropped. */
const MAX_TICKETS = 10_000;

interface Grant {
  /** Null when auth is off (the ticket then proves nothing but is still single-use). */
  principal: Principal | null;
  expiresAt: number;
}

export class StreamTickets {
  private readonly grants = new Map<string, Grant>();

  constructor(
    /** Whether the server checks tokens (else tickets are optional). */
    readonly authOn: boolean,
  ) {}

  issue(principal: Principal | null, now = Date.now()): { ticket: string; expiresAt: number } {
    this.sweep(now);
    while (this.grants.size >= MAX_TICKETS) this.grants.delete(this.grants.keys().next().value!);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + TICKET_TTL_MS;
    const held = principal && { ...principal, scopes: new Set(principal.scopes), via: 'ticket' as const };
    this.grants.set(ticket, { principal: held, expiresAt });
    return { ticket, expiresAt };
  }

  /** The grant of a live ticket, consuming it; null when the ticket is unknown, used or expired. */
  redeem(ticket: string, now = Date.now()): { principal: Principal | null } | null {
    const grant = this.grants.get(ticket);
    if (!grant) return null;
    this.grants.delete(ticket);
    return grant.expiresAt > now ? { principal: grant.principal } : null;
  }

  /** Drop expired tickets: they were issued in expiry order, so the first live one ends the sweep. */
  private sweep(now: number): void {
    for (const [ticket, grant] of this.grants) {
      if (grant.expiresAt > now) return;
      this.grants.delete(ticket);
    }
  }
}
