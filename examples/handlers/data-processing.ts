// Handlers of data_processing/data_extraction (parallel) and data_processing/data_pipeline (pipeline): three
// extractions that overlap in time and an aggregation; six stages that each transform the previous stage's rows.
import {
  ConfiguredTask,
  StepHandler,
  type FinishedStep,
  type PlannedStep,
  type SequenceView,
  type StepView,
  type TaskView,
} from 'tasker';
import { simulatedIo, stableNumber } from './simulated-io.js';

function extractor(source: string) {
  return class extends StepHandler {
    async process(task: TaskView, _sequence: SequenceView, step: StepView) {
      await simulatedIo(60, step.signal);
      const since = String(task.context.since ?? '2026-01-01');
      return { source, records: 100 + stableNumber(`${source}:${since}`, 900), since };
    }
  };
}

export const ExtractOrdersHandler = extractor('orders');
export const ExtractCustomersHandler = extractor('customers');
export const ExtractProductsHandler = extractor('products');

export class AggregateDataHandler extends StepHandler {
  async process(_task: TaskView, sequence: SequenceView, step: StepView) {
    const parts = ['extract_orders', 'extract_customers', 'extract_products'].map(
      (n) => sequence.findStepByName(n)?.results,
    );
    await simulatedIo(20, step.signal);
    return { sources: parts.map((p) => p.source), total_records: parts.reduce((sum, p) => sum + p.records, 0) };
  }
}

export class DataExtractionHandler extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    if (task.context.large_dataset) {
      for (const step of steps.filter((s) => s.name.startsWith('extract_'))) step.update({ timeout: 300_000 });
    }
  }
}

interface Row {
  id: number;
  amount: number | null;
  country: string;
  amount_cents?: number;
  region?: string;
}

export class ExtractRawDataHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    await simulatedIo(30, step.signal);
    const sample = Math.min(Number(task.context.estimated_rows ?? 1000), 50);
    const countries = ['DE', 'FR', 'US', 'JP', 'BR'];
    const rows: Row[] = Array.from({ length: sample }, (_, i) => ({
      id: i + 1,
      amount: i % 7 === 3 ? null : 10 + stableNumber(`row${i}`, 990),
      country: countries[i % countries.length]!,
    }));
    return { rows, row_count: rows.length };
  }
}

function stage(
  previous: string,
  ms: number,
  transform: (rows: Row[]) => Row[],
  extra: (rows: Row[]) => Record<string, unknown> = () => ({}),
) {
  return class extends StepHandler {
    async process(_task: TaskView, sequence: SequenceView, step: StepView) {
      const input: Row[] = sequence.findStepByName(previous)?.results.rows ?? [];
      await simulatedIo(ms, step.signal);
      const rows = transform(input);
      return { rows, row_count: rows.length, ...extra(rows) };
    }
  };
}

export const CleanDataHandler = stage('extract_raw_data', 20, (rows) => rows.filter((r) => r.amount !== null));
export const TransformDataHandler = stage('clean_data', 20, (rows) =>
  rows.map((r) => ({ ...r, amount_cents: Math.round((r.amount ?? 0) * 100) })),
);
const REGIONS: Record<string, string> = { DE: 'EMEA', FR: 'EMEA', US: 'AMER', BR: 'AMER', JP: 'APAC' };
export const EnrichDataHandler = stage('transform_data', 20, (rows) =>
  rows.map((r) => ({ ...r, region: REGIONS[r.country] ?? 'OTHER' })),
);
export const ValidateOutputHandler = stage(
  'enrich_data',
  10,
  (rows) => {
    const bad = rows.filter((r) => r.amount_cents === undefined || !r.region);
    if (bad.length) throw new Error(`${bad.length} row(s) are missing amount_cents or region`);
    return rows;
  },
  () => ({ valid: true }),
);

export class LoadToWarehouseHandler extends StepHandler {
  async process(_task: TaskView, sequence: SequenceView, step: StepView) {
    const rows: Row[] = sequence.findStepByName('validate_output')?.results.rows ?? [];
    await simulatedIo(30, step.signal);
    const byRegion: Record<string, number> = {};
    for (const r of rows) byRegion[r.region!] = (byRegion[r.region!] ?? 0) + (r.amount_cents ?? 0);
    return { table: String(step.config.table ?? 'analytics.sales'), loaded: rows.length, cents_by_region: byRegion };
  }
}

export class PipelineHandler extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    const size = Number(task.context.estimated_rows ?? 1000);
    if (size > 1_000_000) for (const s of steps) s.update({ timeout: 600_000 });
    else if (size > 100_000) for (const s of steps) s.update({ timeout: 300_000 });
  }

  override async updateAnnotations(task: TaskView, _sequence: SequenceView, steps: FinishedStep[]) {
    const completed = steps.filter((s) => s.current_state === 'completed');
    await task.annotations.create({
      annotation_type: 'pipeline_metrics',
      content: {
        total_duration_ms: completed.reduce((sum, s) => sum + (s.duration ?? 0), 0),
        steps_completed: completed.length,
        data_processed: task.context.estimated_rows ?? null,
      },
    });
  }
}
