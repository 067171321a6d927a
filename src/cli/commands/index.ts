// The list of CLI commands. Each command lives in its own module and registers itself on the program.
import type { Command } from 'commander';
import { registerRun } from './run.js';
import { registerTasks } from './tasks.js';
import { registerResume } from './resume.js';
import { registerSubmit } from './submit.js';
import { registerWorker } from './worker.js';
import { registerMigrate } from './migrate.js';
import { registerValidate } from './validate.js';
import { registerGraph } from './graph.js';
import { registerServe } from './serve.js';
import { registerPause } from './pause.js';
import { registerSchedules } from './schedules.js';
import { registerRateLimits } from './rate-limits.js';
import { registerPrune } from './prune.js';
import { registerSignal } from './signal.js';

export function registerCommands(program: Command): void {
  registerRun(program);
  registerSubmit(program);
  registerWorker(program);
  registerResume(program);
  registerPause(program);
  registerTasks(program);
  registerSignal(program);
  registerSchedules(program);
  registerRateLimits(program);
  registerPrune(program);
  registerMigrate(program);
  registerValidate(program);
  registerGraph(program);
  registerServe(program);
}
