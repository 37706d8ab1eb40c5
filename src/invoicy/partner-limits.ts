// Per-partner admission of SOAP calls: at most `maxConcurrent` calls of one partner in progress and a
// token bucket of `ratePerMinute` calls (bursts up to a minute's worth), so one partner's ERP — a
// retry loop, a backlog resent at once — cannot take the gateway from the others. Only calls that
// passed EmpPK and EmpCK are admitted here: a caller without the company's key can neither spend a
// partner's quota nor learn from a refusal that the partner exists (it gets 173 first).
export interface PartnerLimitsConfig {
  /** Calls of one partner in progress at once; 0 = no limit. */
  maxConcurrent: number;
  /** Calls of one partner per minute (token bucket, refilled continuously); 0 = no limit. */
  ratePerMinute: number;
}

export type Admission =
  | { ok: true; release(): void }
  | { ok: false; reason: 'concurrency' | 'rate'; /** Whole seconds until a token is back (rate). */ retryAfterSeconds: number };

interface PartnerState {
  inFlight: number;
  tokens: number;
  refilledAt: number;
}

export class PartnerLimits {
  // One entry per partner that made an authenticated call: bounded by the partners in the store.
  readonly #partners = new Map<string, PartnerState>();

  constructor(readonly config: PartnerLimitsConfig, private readonly now: () => number = Date.now) {}

  /** Takes a slot and a token for the call, or says which limit refuses it (nothing taken then). */
  admit(partnerId: string): Admission {
    const { maxConcurrent, ratePerMinute } = this.config;
    const now = this.now();
    let s = this.#partners.get(partnerId);
    if (!s) {
      s = { inFlight: 0, tokens: ratePerMinute, refilledAt: now };
      this.#partners.set(partnerId, s);
    }
    if (maxConcurrent > 0 && s.inFlight >= maxConcurrent) return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    if (ratePerMinute > 0) {
      s.tokens = Math.min(ratePerMinute, s.tokens + ((now - s.refilledAt) * ratePerMinute) / 60_000);
      s.refilledAt = now;
      if (s.tokens < 1) return { ok: false, reason: 'rate', retryAfterSeconds: Math.ceil(((1 - s.tokens) * 60) / ratePerMinute) };
      s.tokens -= 1;
    }
    s.inFlight += 1;
    let released = false;
    const state = s;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
      },
    };
  }
}
