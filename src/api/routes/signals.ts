// Signal routes (durable waits): send a signal to a task by id or by the idempotency key it was created with
// (`signals:send`, so an approval system needs no operator rights), and list a task's signals (`tasks:read`). The
// engine (Tasker.signal) decides: 404 for an unknown task or a signal its template declares no wait for, 409 for a
// finished task; a repeated signal_id answers 200 with delivered false. A payload over 256 KB answers 413 here.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SIGNAL_PAYLOAD_MAX_BYTES } from '../../core/store-contract.js';
import type { SignalReceipt, SignalTarget } from '../../engine/signal-delivery.js';
import { signalJson } from '../../engine/signal-json.js';
import { actorOf, type ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { RouteSpec } from '../route-catalog.js';
import { TaskIdParams } from '../schemas/common.js';
import {
  SignalBody,
  SignalByKeyBody,
  SignalListSchema,
  SignalParams,
  SignalReceiptSchema,
} from '../schemas/signals.js';
import { requireTask, taskId } from './tasks.js';

interface SignalFields {
  payload?: unknown;
  signal_id?: string;
}

const RECEIPT = {
  202: {
    description: 'delivered: kept for the step that waits for it, which is woken if parked',
    schema: SignalReceiptSchema,
  },
  200: { description: 'a repeated signal_id: nothing changed (delivered false)', schema: SignalReceiptSchema },
};

const RULES =
  'The payload (any JSON, at most 256 KB) becomes the results of the step waiting for the signal; a signal sent ' +
  'before the step waits is kept until it does. 404 when the task is unknown or its template declares no step ' +
  'waiting for the name (the message lists those it waits for); 409 when the task has finished; 413 for a larger payload.';

/** 413 naming the field when the payload is larger than a signal may carry (checked before anything is read). */
function checkPayload(payload: unknown, field: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8');
  if (bytes > SIGNAL_PAYLOAD_MAX_BYTES) {
    const message = `is ${bytes} bytes as JSON; a signal carries at most ${SIGNAL_PAYLOAD_MAX_BYTES} bytes (256 KB)`;
    throw new ApiError(413, 'payload_too_large', `${field} ${message}`, [{ field, message }]);
  }
}

async function send(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  target: SignalTarget,
  name: string,
  body: SignalFields,
): Promise<SignalReceipt> {
  checkPayload(body.payload, 'body.payload');
  const receipt = await ctx.tasker.signal(target, name, body.payload ?? null, {
    actor: actorOf(request),
    ...(body.signal_id !== undefined ? { signalId: body.signal_id } : {}),
  });
  void reply.code(receipt.delivered ? 202 : 200);
  return receipt;
}

export function signalRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/tasks/:id/signals/:name',
      operationId: 'sendSignal',
      tag: 'signals',
      summary: 'Send a signal to a task',
      description: `${RULES} The body may be omitted (payload null).`,
      auth: ['signals:send'],
      params: SignalParams,
      body: SignalBody,
      bodyRequired: false,
      responses: RECEIPT,
      errors: [404, 409, 413, 415],
      handler: async (request, reply) => {
        const { id, name } = request.params as { id: number; name: string };
        return send(ctx, request, reply, id, name, request.body as SignalFields);
      },
    },
    {
      method: 'POST',
      path: '/signals',
      operationId: 'sendSignalByKey',
      tag: 'signals',
      summary: 'Send a signal to the task created with an idempotency key',
      description: `Addresses the task by the idempotency_key it was created with (404 when no task has it). ${RULES}`,
      auth: ['signals:send'],
      body: SignalByKeyBody,
      responses: RECEIPT,
      errors: [404, 409, 413, 415],
      handler: async (request, reply) => {
        const body = request.body as SignalFields & { idempotency_key: string; name: string };
        return send(ctx, request, reply, { idempotencyKey: body.idempotency_key }, body.name, body);
      },
    },
    {
      method: 'GET',
      path: '/tasks/:id/signals',
      operationId: 'listSignals',
      tag: 'signals',
      summary: "A task's signals",
      description:
        'Every signal sent to the task, oldest first: its payload, who sent it and when, and the step that consumed ' +
        'it (null while it is kept for a step that has not waited for it yet). A repeated signal_id is listed once.',
      auth: ['tasks:read'],
      params: TaskIdParams,
      responses: { 200: { description: "the task's signals", schema: SignalListSchema } },
      errors: [404],
      handler: async (request) => {
        const id = taskId(request);
        await requireTask(ctx, id);
        const signals = await ctx.tasker.store.dynamic.listSignals(id);
        return { task_id: id, signals: signals.map(signalJson) };
      },
    },
  ];
}
