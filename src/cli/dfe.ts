// `fiscal-gateway dfe status`: each opted-in company's DF-e distribution position (ultNSU/maxNSU), what
// holds it (137 / caught up, a 656 block, a back-off), its calls in the last hour, and the backlog of
// missing NSUs with the oldest gap.
import { callsLastHour } from '../fiscal/dfe-sweep';
import { normalizeCnpj } from '../fiscal/cnpj';
import type { DfeStateRecord, Store } from '../store';
import type { CliIo } from './company';

function waiting(s: DfeStateRecord, now: Date): string {
  const open = (d: Date | null): d is Date => d !== null && d.getTime() > now.getTime();
  if (open(s.blockedUntil)) return `bloqueada (656) até ${s.blockedUntil.toISOString()}`;
  if (open(s.backoffUntil)) return `aguardando nova tentativa até ${s.backoffUntil.toISOString()}`;
  if (open(s.holdUntil)) return `em espera (sem documentos novos) até ${s.holdUntil.toISOString()}`;
  return 'pronta';
}

export async function dfeStatus(store: Store, io: CliIo, opts: { cnpj?: string; now?: Date } = {}): Promise<void> {
  const now = opts.now ?? new Date();
  const cnpj = opts.cnpj ? normalizeCnpj(opts.cnpj) : undefined;
  const states = (await store.listDfeStates()).filter((s) => !cnpj || s.cnpj === cnpj);
  if (states.length === 0) {
    io.out(cnpj ? `Nenhuma distribuição DF-e configurada para o CNPJ ${cnpj}.` : 'Nenhuma distribuição DF-e configurada.');
    return;
  }
  for (const s of states) {
    const backlog = await store.dfeBacklog(s.companyId, s.model);
    const oldest = backlog.oldestPendingNsu && backlog.oldestPendingSince
      ? `, mais antigo NSU ${backlog.oldestPendingNsu} (desde ${backlog.oldestPendingSince.toISOString()})`
      : '';
    io.out([
      `${s.cnpj} tpAmb ${s.tpAmb} modelo ${s.model}: ${s.enabled ? 'ativa' : 'desativada'}`,
      `ultNSU ${s.ultNSU} / maxNSU ${s.maxNSU}`,
      waiting(s, now),
      `${callsLastHour(s, now)} consulta(s) na última hora`,
      `NSUs pendentes ${backlog.pending}${oldest}`,
      `recuperados ${backlog.fetched}, nunca gerados ${backlog.neverGenerated}, expirados ${backlog.expired}`,
    ].join(' | '));
  }
}
