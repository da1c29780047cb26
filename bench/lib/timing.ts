/**
 * Batch timing: a sub-microsecond call timed alone is mostly timer noise, so engines run batches
 * (e.g. 1,000 decisions) between two process.hrtime.bigint() reads, and percentiles are taken over
 * batches of ns/decision.
 */
export type BatchRunner = (offset: number, count: number) => number;

export interface BatchSeries {
  name: string;
  batchSize: number;
  /** ns per decision, one entry per batch. */
  samples: number[];
  decisions: number;
  totalNs: number;
  allows: number;
}

export function newSeries(name: string, batchSize: number): BatchSeries {
  return { name, batchSize, samples: [], decisions: 0, totalNs: 0, allows: 0 };
}

export function runBatch(series: BatchSeries, run: BatchRunner, offset: number, record = true): void {
  const t0 = process.hrtime.bigint();
  const allows = run(offset, series.batchSize);
  const ns = Number(process.hrtime.bigint() - t0);
  if (!record) return;
  series.samples.push(ns / series.batchSize);
  series.decisions += series.batchSize;
  series.totalNs += ns;
  series.allows += allows;
}

export const perSecond = (s: BatchSeries) => (s.totalNs > 0 ? (s.decisions / s.totalNs) * 1e9 : NaN);
