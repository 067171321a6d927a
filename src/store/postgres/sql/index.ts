// Every statement the PostgreSQL store prepares, by key (the files of this folder, one per store operation), and the
// store's set of them rendered for one schema. List pages (list-tasks.ts) are built per filter shape.
import type { NamedStatement } from '../pool.js';
import type { SchemaNames } from '../sql.js';
import { insertAnnotation } from './annotations.js';
import { markPlanned, planSteps, releaseHeld } from './apply-plan.js';
import { cancelSteps, cancelTask } from './cancel.js';
import { claim, claimGranted } from './claim.js';
import * as rate from './rate-limits.js';
import { insertDefinitions, readDefinitions } from './definitions.js';
import * as dynamic from './dynamic.js';
import * as map from './map.js';
import { completeSteps } from './complete.js';
import {
  createTaskAtOnce,
  findTaskByKey,
  insertEdges,
  insertSteps,
  insertTask,
  reconcileGates,
  setNeedsPlan,
  upsertGroups,
} from './create-task.js';
import { allocateIds, insertStepsOf, insertTasks } from './create-tasks.js';
import { extendLeases } from './leases.js';
import { listGroups } from './gates.js';
import {
  deletePausedTemplate,
  holdTemplateTasks,
  insertPausedTemplate,
  listPaused,
  lockPausedTemplates,
  pausedFor,
  refreshPause,
  releaseDue,
  releaseHeldSteps,
  releaseTemplateTasks,
  setTaskFlow,
  taskFlowForUpdate,
} from './flow.js';
import {
  createMigrationsTable,
  createSchema,
  migrationLock,
  addCompatibleFrom,
  firstIncompatible,
  hasCompatibleFrom,
  migrationsTableExists,
  recordMigration,
  schemaExists,
  schemaVersion,
} from './migrate.js';
import {
  reopenSteps,
  setTaskState,
  settleStep,
  stepForUpdate,
  stepsOfTaskForUpdate,
  taskForUpdate,
} from './operate.js';
import {
  pruneAnnotations,
  pruneCount,
  pruneLock,
  pruneNow,
  pruneSteps,
  pruneTaskRows,
  pruneTree,
  pruneSignals,
  pruneTransitions,
} from './prune.js';
import { readActivity } from './activity.js';
import { readHistoryByIds, readHistoryPage, readHistorySince, readLastHistoryId } from './history.js';
import { readContexts, readHistory, readNextRetry, readSnapshots, readTask, readUnfinished } from './reads.js';
import { expiredCandidates, heldByCandidates, reclaimApply } from './reclaim.js';
import {
  insertSchedule,
  insertTick,
  listSchedules,
  lockSchedule,
  pauseSchedule,
  resumeSchedule,
  stampScheduledTask,
  tickTask,
  updateSchedule,
} from './schedules.js';
import { insertRerunHistory, rerunSteps, rerunTask, resetSteps, restartTask, setUnmet, skipReasons } from './rerun.js';
import { bindStatements, type PgStatement } from './statement.js';
import { ping, readyDepth, stateEstimates, stepsByState, tableSizes, tasksByState, waitingForWorker } from './stats.js';
import { finalize, holdSteps, insertHistory, lockTasks, notify, satisfyChildren } from './transaction.js';
import { listen } from './wake.js';
import {
  dropPresence,
  listWorkers,
  removeWorker,
  takePresence,
  touchWorker,
  touchWorkerCapabilities,
  upsertWorker,
} from './workers.js';

export const PG_STATEMENTS = {
  // creation
  insertTask,
  createTaskAtOnce,
  setNeedsPlan,
  findTaskByKey,
  insertSteps,
  insertEdges,
  allocateIds,
  insertTasks,
  insertStepsOf,
  upsertGroups,
  reconcileGates,
  // the hot path
  claim,
  completeSteps,
  // rate limits
  claimGranted,
  rateReady: rate.rateReady,
  rateCandidates: rate.rateCandidates,
  lockBuckets: rate.lockBuckets,
  writeBuckets: rate.writeBuckets,
  denySteps: rate.denySteps,
  rateLimitedSteps: rate.rateLimitedSteps,
  declareRateLimits: rate.declareRateLimits,
  setRateLimit: rate.setRateLimit,
  listRateLimits: rate.listRateLimits,
  // template definitions
  insertDefinitions,
  readDefinitions,
  // dynamic workflows
  lockWatched: dynamic.lockWatched,
  parkSteps: dynamic.parkSteps,
  stepWaitForUpdate: dynamic.stepWaitForUpdate,
  setStepWait: dynamic.setStepWait,
  takeSignal: dynamic.takeSignal,
  signalTask: dynamic.signalTask,
  insertSignal: dynamic.insertSignal,
  signalByKey: dynamic.signalByKey,
  wakeSignalWaits: dynamic.wakeSignalWaits,
  listSignals: dynamic.listSignals,
  setTaskParent: dynamic.setTaskParent,
  childTasks: dynamic.childTasks,
  // map fan-out
  heldStepForUpdate: map.heldStepForUpdate,
  insertInstances: map.insertInstances,
  parkMapped: map.parkMapped,
  addSteps: map.addSteps,
  readMapState: map.readMapState,
  dropInstances: map.dropInstances,
  clearMaps: map.clearMaps,
  // transactions
  lockTasks,
  insertHistory,
  satisfyChildren,
  finalize,
  holdSteps,
  notify,
  // planning, operators, cancellation
  markPlanned,
  planSteps,
  releaseHeld,
  insertAnnotation,
  taskForUpdate,
  stepsOfTaskForUpdate,
  stepForUpdate,
  setTaskState,
  reopenSteps,
  settleStep,
  cancelSteps,
  cancelTask,
  // flow control
  taskFlowForUpdate,
  setTaskFlow,
  releaseHeldSteps,
  refreshPause,
  lockPausedTemplates,
  insertPausedTemplate,
  deletePausedTemplate,
  holdTemplateTasks,
  releaseTemplateTasks,
  listPaused,
  pausedFor,
  releaseDue,
  listGroups,
  // reruns
  rerunTask,
  rerunSteps,
  skipReasons,
  insertRerunHistory,
  resetSteps,
  setUnmet,
  restartTask,
  // cron schedules
  listSchedules,
  insertSchedule,
  updateSchedule,
  pauseSchedule,
  resumeSchedule,
  lockSchedule,
  insertTick,
  tickTask,
  stampScheduledTask,
  // retention
  pruneNow,
  pruneCount,
  pruneLock,
  pruneTransitions,
  pruneAnnotations,
  pruneSteps,
  pruneTaskRows,
  pruneTree,
  pruneSignals,
  // leases and reclaims
  extendLeases,
  expiredCandidates,
  heldByCandidates,
  reclaimApply,
  // workers and presence
  upsertWorker,
  touchWorker,
  touchWorkerCapabilities,
  removeWorker,
  listWorkers,
  takePresence,
  dropPresence,
  listen,
  // reads and stats
  readTask,
  readContexts,
  readSnapshots,
  readHistory,
  readHistoryPage,
  readHistorySince,
  readHistoryByIds,
  readLastHistoryId,
  readActivity,
  readUnfinished,
  readNextRetry,
  tasksByState,
  stepsByState,
  readyDepth,
  tableSizes,
  stateEstimates,
  waitingForWorker,
  ping,
  // the migration runner
  migrationLock,
  schemaExists,
  createSchema,
  createMigrationsTable,
  migrationsTableExists,
  schemaVersion,
  hasCompatibleFrom,
  addCompatibleFrom,
  recordMigration,
  firstIncompatible,
} satisfies Record<string, PgStatement>;

export type PgStatements = Record<keyof typeof PG_STATEMENTS, NamedStatement>;

export function pgStatements(n: SchemaNames): PgStatements {
  return bindStatements(PG_STATEMENTS, n);
}
