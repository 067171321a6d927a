// Stream tickets on their own (the clock is a parameter, so expiry needs no waiting): single use, valid for 60 s,
// carrying a copy of the scopes of the principal they were issued to, never more than 10,000 kept.
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/context.js';
import { StreamTickets, TICKET_TTL_MS } from '../../src/api/events/tickets.js';

const reader = (): Principal => ({
  name: 'reader',
  actor: 'token:reader',
  scopes: new Set(['tasks:read']),
  via: 'token',
});

describe('stream tickets', () => {
  it('are single-use and carry the scopes they were issued with', () => {
    const tickets = new StreamTickets(true);
    const principal = reader();
    const { ticket, expiresAt } = tickets.issue(principal, 1_000);
    expect(expiresAt).toBe(1_000 + TICKET_TTL_MS);
    (principal.scopes as Set<string>).add('admin');
    const grant = tickets.redeem(ticket, 2_000);
    expect(grant?.principal).toMatchObject({ name: 'reader', actor: 'token:reader', via: 'ticket' });
    expect([...grant!.principal!.scopes]).toEqual(['tasks:read']);
    expect(tickets.redeem(ticket, 2_000)).toBeNull();
    expect(tickets.redeem('never-issued', 2_000)).toBeNull();
  });

  it('expire after 60 s', () => {
    const tickets = new StreamTickets(true);
    const early = tickets.issue(reader(), 0).ticket;
    const late = tickets.issue(reader(), 0).ticket;
    expect(tickets.redeem(early, TICKET_TTL_MS - 1)).not.toBeNull();
    expect(tickets.redeem(late, TICKET_TTL_MS)).toBeNull();
  });

  it('keep at most 10,000 unredeemed tickets, dropping the oldest', () => {
    const tickets = new StreamTickets(false);
    const first = tickets.issue(null, 0).ticket;
    const second = tickets.issue(null, 0).ticket;
    for (let i = 0; i < 9_999; i++) tickets.issue(null, 0);
    expect(tickets.redeem(first, 1)).toBeNull();
    expect(tickets.redeem(second, 1)).toEqual({ principal: null });
  });
});
