// LayoutError construction: one place for the Portuguese wording.
import type { LayoutError } from './types';

export function layoutError(path: string, rule: string, value?: string): LayoutError {
  let message: string;
  if (rule === 'obrigatório') message = `${path}: campo obrigatório não informado`;
  else if (rule === 'campo desconhecido') message = `${path}: campo desconhecido no layout`;
  else if (rule.startsWith('não permitido')) message = `${path}: campo ${rule}`;
  else message = `${path}: valor${value !== undefined ? ` "${value}"` : ''} inválido (${rule})`;
  return value !== undefined ? { path, rule, value, message } : { path, rule, message };
}

/** An element the layout does not have at that place, with the nearest name it does have, if any. */
export function unknownFieldError(path: string, suggestion?: string): LayoutError {
  const e = layoutError(path, 'campo desconhecido');
  return suggestion ? { ...e, message: `${e.message} (você quis dizer ${suggestion}?)` } : e;
}
