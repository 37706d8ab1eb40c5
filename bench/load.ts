// Closed-loop load: C workers, each sending its next document as soon as the previous reply
// arrives, until a document count or a deadline is reached. Returns throughput, latency
// percentiles and the failed calls grouped by cause.
import type { CallOutcome } from './soap';

export interface LoadOptions {
  concurrency: number;
  /** Stop after this many documents… */
  count?: number;
  /** …or when this many ms have passed (documents in flight still complete). */
  durationMs?: number;
  send: () => Promise<CallOutcome>;
}

export interface LoadResult {
  documents: number;
  errors: number;
  /** Count per distinct error text. */
  errorKinds: Record<string, number>;
  elapsedMs: number;
  docsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  if (o.count === undefined && o.durationMs === undefined) throw new Error('runLoad needs a count or a duration');
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let started = 0;
  const t0 = process.hrtime.bigint();
  const deadline = o.durationMs === undefined ? Infinity : Date.now() + o.durationMs;
  const more = () => (o.count === undefined || started < o.count) && Date.now() < deadline;

  const worker = async () => {
    while (more()) {
      started += 1;
      const outcome = await o.send();
      latencies.push(outcome.latencyMs);
      if (outcome.error !== undefined) {
        errors += 1;
        errorKinds[outcome.error] = (errorKinds[outcome.error] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));

  const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  latencies.sort((a, b) => a - b);
  return {
    documents: latencies.length,
    errors,
    errorKinds,
    elapsedMs,
    docsPerSecond: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
  };
}
