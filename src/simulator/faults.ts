// Fault injection: what the simulator does wrong on purpose, per authorizer and operation, so the
// gateway can be exercised against outages, lost replies and rejections. Pure state + timers; the
// HTTP layer asks `take()` at fixed points of each request.

export const FAULT_MODES = ['down', 'timeout', 'slow', 'http-500', 'garbage', 'paralisado', 'reject', 'lose-response'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  authorizer: string;   // 'SP', 'SVRS', … or '*'
  service: string;      // 'NFeAutorizacao4', … or '*'
  mode: FaultMode;
  ms?: number;          // slow: delay
  cStat?: string;       // paralisado: 108|109 (default 108); reject: the cStat (default 999)
  times?: number;       // remaining uses; undefined = until removed
}

export interface Fault extends FaultSpec {
  id: number;
}

export interface ScenarioStep {
  atMs: number;
  fault?: FaultSpec;
  reset?: boolean;
}

export class FaultError extends Error {}

/** Validates untrusted JSON (admin API / CLI) into a FaultSpec; throws FaultError in Portuguese. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!input || typeof input !== 'object') throw new FaultError('falha deve ser um objeto JSON');
  const o = input as Record<string, unknown>;
  const mode = o.mode;
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new FaultError(`modo de falha inválido: ${String(mode)} (use ${FAULT_MODES.join(', ')})`);
  }
  const spec: FaultSpec = {
    authorizer: typeof o.authorizer === 'string' && o.authorizer ? o.authorizer.toUpperCase() : '*',
    service: typeof o.service === 'string' && o.service ? o.service : '*',
    mode: mode as FaultMode,
  };
  if (o.ms !== undefined) {
    if (typeof o.ms !== 'number' || !(o.ms >= 0)) throw new FaultError('ms deve ser um número >= 0');
    spec.ms = o.ms;
  }
  if (o.cStat !== undefined) {
    if (!/^\d{3,4}$/.test(String(o.cStat))) throw new FaultError('cStat deve ter 3 ou 4 dígitos');
    spec.cStat = String(o.cStat);
  }
  if (o.times !== undefined) {
    if (typeof o.times !== 'number' || !Number.isInteger(o.times) || o.times < 1) throw new FaultError('times deve ser um inteiro >= 1');
    spec.times = o.times;
  }
  if (spec.mode === 'slow' && spec.ms === undefined) throw new FaultError('modo slow exige ms');
  return spec;
}

export function parseScenario(input: unknown): ScenarioStep[] {
  if (!Array.isArray(input)) throw new FaultError('cenário deve ser uma lista de passos');
  return input.map((step: unknown, i) => {
    const s = (step ?? {}) as Record<string, unknown>;
    if (typeof s.atMs !== 'number' || s.atMs < 0) throw new FaultError(`passo ${i}: atMs deve ser um número >= 0`);
    if (s.reset === true) return { atMs: s.atMs, reset: true };
    return { atMs: s.atMs, fault: parseFaultSpec(s.fault) };
  });
}

function matches(pattern: string, value: string): boolean {
  return pattern === '*' || pattern.toLowerCase() === value.toLowerCase();
}

export class FaultController {
  private faults: Fault[] = [];
  private nextId = 1;
  private timers = new Set<NodeJS.Timeout>();

  add(spec: FaultSpec): Fault {
    const fault = { ...spec, id: this.nextId++ };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes every fault (scenario timers keep running; see reset()). */
  clear(): void {
    this.faults = [];
  }

  /** Removes every fault and cancels pending scenario steps. */
  reset(): void {
    this.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * The first active fault of one of `modes` for this authorizer/operation, consuming one use.
   * Each mode family is asked separately so that e.g. `slow` and `reject` can apply together.
   */
  take(authorizer: string, service: string, modes: readonly FaultMode[]): Fault | undefined {
    const i = this.faults.findIndex((f) => modes.includes(f.mode) && matches(f.authorizer, authorizer) && matches(f.service, service));
    if (i < 0) return undefined;
    const fault = this.faults[i];
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(i, 1);
    }
    return { ...fault };
  }

  /** Runs a timeline of fault additions/resets relative to now. */
  runScenario(steps: readonly ScenarioStep[]): void {
    const apply = (step: ScenarioStep) => {
      if (step.reset) this.clear();
      else if (step.fault) this.add(step.fault);
    };
    for (const step of steps) {
      // atMs 0 applies before the admin call returns, so a client's next request already sees it.
      if (step.atMs === 0) {
        apply(step);
        continue;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        apply(step);
      }, step.atMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  close(): void {
    this.reset();
  }
}
