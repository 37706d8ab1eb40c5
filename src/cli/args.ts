// Small argument helpers over node:util parseArgs, with Portuguese usage errors.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export type Flags = Record<string, string | boolean | undefined>;

export function parseFlags(argv: string[], spec: Record<string, { type: 'string' | 'boolean' }>): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
    return { flags: values, positionals };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`informe --${name}`);
  return v.trim();
}

export function optional(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
