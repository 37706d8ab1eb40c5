// `fiscal-gateway numbering gaps`: the numbering-gap report of one company, the same one InvoiCy's
// "Consultar Pulos de Numeração" answers (emission/numbering-gaps.ts).
import type { DocModel, Store } from '../store';
import { environmentTpAmb } from '../store/port';
import { gapEntry, gapReport, issuedModels, NO_GAPS_TEXT } from '../emission/numbering-gaps';
import { optional, parseFlags, UsageError } from './args';
import { companyByCnpj, type CliIo } from './company';

export async function numberingCommand(store: Store, argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'gaps') throw new UsageError('uso: numbering gaps --cnpj CNPJ [--serie N] [--model 55|65|57] [--env homologacao|producao]');
  const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' }, serie: { type: 'string' }, model: { type: 'string' } });
  const company = await companyByCnpj(store, flags);
  const models = issuedModels();
  const model = optional(flags, 'model');
  if (model !== undefined && !models.includes(model as DocModel)) throw new UsageError(`--model deve ser ${models.join(', ')}`);
  const serie = optional(flags, 'serie');
  if (serie !== undefined && !/^\d{1,3}$/.test(serie)) throw new UsageError('--serie deve ser um número de 0 a 999');
  const series = await gapReport(store, company.id, {
    tpAmb: environmentTpAmb(company.environment), models: model ? [model as DocModel] : models, ...(serie === undefined ? {} : { serie: Number(serie) }),
  });
  io.out(`Pulos de numeração de ${company.cnpj} (${company.environment}):`);
  if (series.length === 0) io.out(NO_GAPS_TEXT);
  for (const e of series.map((s) => gapEntry(company.cnpj, s))) io.out(`${e.modelo} série ${e.serie}: ${e.count} faltando: ${e.numbers}`);
}
