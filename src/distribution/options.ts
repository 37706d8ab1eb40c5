// Configuration of the DF-e capture (README's configuration table): the hourly call cap, the key-query
// reserve, the hold margin, the pause between calls and the per-CNPJ lease.
import { ConfigError } from '../config';
import { DEFAULT_DFE_POLICY, type DfePolicy } from '../fiscal/dfe-sweep';

/** The AN's own limit for consNSU + consChNFe (§6 rule 3): a configured cap never goes above it. */
const AN_KEY_QUERY_LIMIT = 20;

export interface DistributionOptions {
  policy: DfePolicy;
  /** Pause between two calls of one sweep (§8.2: ~2 s). */
  pauseMs: number;
  /** TTL of the per-CNPJ lease, renewed before every call (longer than one call's timeout). */
  leaseTtlMs: number;
}

export const DEFAULT_DISTRIBUTION: DistributionOptions = { policy: DEFAULT_DFE_POLICY, pauseMs: 2000, leaseTtlMs: 120_000 };

function int(env: NodeJS.ProcessEnv, name: string, min: number, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} deve ser um número inteiro ≥ ${min} (recebido: ${raw})`);
  return n;
}

/** DFE_CALLS_PER_HOUR, DFE_KEY_RESERVE, DFE_HOLD_MARGIN_SECONDS, DFE_PAUSE_MS, DFE_LEASE_TTL_MS. */
export function distributionOptionsFromEnv(env: NodeJS.ProcessEnv): DistributionOptions {
  const d = DEFAULT_DISTRIBUTION;
  const callCap = int(env, 'DFE_CALLS_PER_HOUR', 1, d.policy.callCap);
  const keyQueryCap = Math.min(callCap, AN_KEY_QUERY_LIMIT);
  const keyReserve = int(env, 'DFE_KEY_RESERVE', 0, d.policy.keyReserve);
  if (keyReserve >= keyQueryCap) throw new ConfigError(`DFE_KEY_RESERVE (${keyReserve}) deve ser menor que o limite de consultas por chave/NSU (${keyQueryCap})`);
  const marginMs = int(env, 'DFE_HOLD_MARGIN_SECONDS', 60, d.policy.marginMs / 1000) * 1000;
  return {
    policy: { ...d.policy, callCap, keyQueryCap, keyReserve, marginMs },
    pauseMs: int(env, 'DFE_PAUSE_MS', 0, d.pauseMs),
    leaseTtlMs: int(env, 'DFE_LEASE_TTL_MS', 1000, d.leaseTtlMs),
  };
}
