// `tasker signal <task_id> <name>` (or `--idempotency-key <key> <name>`): send a signal to the step of a task that
// waits for it (durable waits), through the engine facade so the rules are those of the API: the task's template
// must declare a step waiting for the name, a finished task refuses, a repeated --signal-id delivers nothing new.
// The template comes from --templates (the task's exact version). `tasker signals <task_id>` lists what a task got.
import type { Command } from 'commander';
import {
  SIGNAL_KEY_MAX_LENGTH,
  SIGNAL_NAME_PATTERN,
  SIGNAL_PAYLOAD_MAX_BYTES,
  type Store,
  type TaskRecord,
} from '../../core/store-contract.js';
import { NotFoundError } from '../../core/errors.js';
import { signalJson, type SignalJson } from '../../engine/signal-json.js';
import type { SignalReceipt } from '../../engine/signal-delivery.js';
import { UsageError } from '../cli-errors.js';
import { openEngineFor } from '../command-templates.js';
import { addStoreOption, type EngineFlags } from '../engine-options.js';
import { migrateOnOpen } from '../migrate-on-open.js';
import { addTemplateOptions, templatePathsFrom } from '../template-options.js';
import { actor, parseId, withStore } from '../task-store.js';

interface SignalFlags extends EngineFlags {
  idempotencyKey?: string;
  payload?: string;
  signalId?: string;
  json?: boolean;
}

interface SignalRequest {
  /** The task by id, or null when addressed by idempotency key. */
  taskId: number | null;
  name: string;
  payload: unknown;
}

/** The positional arguments and flags as one request; UsageError naming what is wrong. */
function parseSignalArgs(args: Array<string | undefined>, flags: SignalFlags): SignalRequest {
  const given = args.filter((a): a is string => a !== undefined);
  const byKey = flags.idempotencyKey !== undefined;
  if (byKey ? given.length !== 1 : given.length !== 2) {
    throw new UsageError(
      byKey
        ? 'with --idempotency-key give only the signal name: tasker signal --idempotency-key <key> <name>'
        : 'tasker signal needs <task_id> <name> (or --idempotency-key <key> <name>)',
    );
  }
  const name = given.at(-1)!;
  if (!SIGNAL_NAME_PATTERN.test(name))
    throw new UsageError(`'${name}' is not a signal name (it must match ${String(SIGNAL_NAME_PATTERN)})`);
  if (flags.signalId !== undefined && (flags.signalId === '' || flags.signalId.length > SIGNAL_KEY_MAX_LENGTH))
    throw new UsageError(`--signal-id must be 1 to ${SIGNAL_KEY_MAX_LENGTH} characters`);
  if (byKey && flags.idempotencyKey === '') throw new UsageError('--idempotency-key must not be empty');
  let payload: unknown = null;
  if (flags.payload !== undefined) {
    try {
      payload = JSON.parse(flags.payload);
    } catch (err) {
      throw new UsageError(`--payload is not valid JSON: ${(err as Error).message}`);
    }
    const bytes = Buffer.byteLength(JSON.stringify(payload), 'utf8');
    if (bytes > SIGNAL_PAYLOAD_MAX_BYTES)
      throw new UsageError(
        `--payload is ${bytes} bytes as JSON; a signal carries at most ${SIGNAL_PAYLOAD_MAX_BYTES} bytes (256 KB)`,
      );
  }
  return { taskId: byKey ? null : parseId(given[0]!, 'task_id'), name, payload };
}

/** The task a signal goes to, read from the store (by id, or by the idempotency key it was submitted with). */
async function findTask(store: Store, req: SignalRequest, key: string | undefined): Promise<TaskRecord> {
  const id = req.taskId ?? (await store.findTaskByIdempotencyKey(key!));
  if (id === null) throw new NotFoundError(`no task was submitted with idempotency key '${key}' in ${store.url}`);
  const task = await store.getTask(id);
  if (!task) throw new NotFoundError(`task ${id} does not exist in ${store.url}`);
  return task;
}

function printReceipt(r: SignalReceipt, signalId: string | undefined): void {
  if (!r.delivered) {
    process.stdout.write(
      `task ${r.task_id}: signal ${r.name} with --signal-id ${signalId} was sent before (signal ${r.signal_id}); nothing changed\n`,
    );
    return;
  }
  const woke = r.woke > 0 ? `; ${r.woke} waiting step(s) woken` : '; kept until a step waits for it';
  process.stdout.write(`task ${r.task_id}: signal ${r.name} delivered (signal ${r.signal_id})${woke}\n`);
}

function printSignals(task: TaskRecord, signals: SignalJson[]): void {
  if (!signals.length) process.stdout.write(`task ${task.task_id} has received no signal\n`);
  const stepName = (id: number) => task.workflow_steps.find((s) => s.workflow_step_id === id)?.name ?? `step ${id}`;
  for (const s of signals) {
    const key = s.signal_key !== null ? ` (--signal-id ${s.signal_key})` : '';
    const state =
      s.consumed_step_id !== null ? `consumed by ${stepName(s.consumed_step_id)} ${s.consumed_at}` : 'not consumed yet';
    const payload = JSON.stringify(s.payload);
    process.stdout.write(
      `${String(s.signal_id).padStart(6)}  ${s.name}${key}  received ${s.received_at} from ${s.actor ?? 'unknown'}; ` +
        `${state}\n        payload ${payload.length > 200 ? `${payload.slice(0, 200)}…` : payload}\n`,
    );
  }
}

export function registerSignal(program: Command): void {
  const cmd = program
    .command('signal')
    .description("send a signal to the step of a task that waits for it (its payload becomes the step's results)")
    .usage('<task_id> <name> [options]  |  --idempotency-key <key> <name> [options]')
    .argument('[task_id]', 'the task (or address it with --idempotency-key)')
    .argument('[name]', 'the signal name a step of the task waits for (wait_for: { signal: <name> })')
    .option('--idempotency-key <key>', 'address the task by the idempotency key it was submitted with')
    .option('--payload <json>', 'the signal payload as JSON (default null), at most 256 KB')
    .option('--signal-id <id>', 'your id of this signal: sending it again to the task delivers nothing new')
    .option('--json', 'print the receipt {task_id, name, signal_id, delivered, woke} as JSON');
  addTemplateOptions(addStoreOption(cmd), { handlers: false }).action(
    async (first: string | undefined, second: string | undefined, flags: SignalFlags) => {
      const req = parseSignalArgs([first, second], flags);
      const task = await withStore(flags.db, (store) => findTask(store, req, flags.idempotencyKey));
      const ref = { namespace: task.namespace, name: task.name, version: task.version };
      const tasker = await openEngineFor(ref, flags, { concurrency: 0, start: false, migrate: migrateOnOpen(flags) });
      try {
        if (!tasker.templates.get(ref.namespace, ref.name, ref.version)) {
          const paths = templatePathsFrom(flags);
          throw new UsageError(
            `task ${task.task_id} runs ${ref.namespace}/${ref.name}@${ref.version}, which the templates loaded here ` +
              `(${paths.length ? paths.join(', ') : 'none'}) do not include; give --templates with its file, so ` +
              'the signals it waits for are known',
          );
        }
        const receipt = await tasker.signal(task.task_id, req.name, req.payload, {
          actor: actor(),
          ...(flags.signalId !== undefined ? { signalId: flags.signalId } : {}),
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(receipt)}\n`);
        else printReceipt(receipt, flags.signalId);
      } finally {
        await tasker.close();
      }
    },
  );

  addStoreOption(
    program
      .command('signals')
      .description('list the signals a task received, oldest first, and the steps that consumed them')
      .argument('<task_id>')
      .option('--json', 'print JSON'),
  ).action(async (id: string, flags: { db?: string; json?: boolean }) => {
    const taskId = parseId(id, 'task_id');
    await withStore(flags.db, async (store) => {
      const task = await store.getTask(taskId);
      if (!task) throw new NotFoundError(`task ${taskId} does not exist in ${store.url}`);
      const signals = (await store.dynamic.listSignals(taskId)).map(signalJson);
      if (flags.json) process.stdout.write(`${JSON.stringify({ task_id: taskId, signals }, null, 2)}\n`);
      else printSignals(task, signals);
    });
  });
}
