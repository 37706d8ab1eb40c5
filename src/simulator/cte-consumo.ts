// CT-e 678 "consumo indevido" (cte.md §8): a use counted per rule and key within the last hour; past
// the rule's threshold (SimulatorOptions.cteConsumo) the answer is 678 for as long as the uses go on.
import type { SimulatorCore } from './context';

const HOUR = 3_600_000;

/** Counts one use of `key` at `nowMs` and says whether the last hour now holds more than `limit`. */
export function consumoIndevido(core: SimulatorCore, key: string, limit: number, nowMs: number): boolean {
  const recent = (core.cteUsage.get(key) ?? []).filter((t) => t > nowMs - HOUR);
  recent.push(nowMs);
  core.cteUsage.set(key, recent);
  return recent.length > limit;
}
