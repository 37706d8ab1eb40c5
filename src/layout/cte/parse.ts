// parseCteEnvio: InvoiCy CT-e <Envio> text → CteDraft, with every layout error collected at once.
import { randomCnf } from '../../fiscal/chave';
import { formatDateTime } from '../../fiscal/datetime';
import { ufOffset } from '../../fiscal/ufs';
import { textAt } from '../../xml/ordered';
import type { OrderedNode } from '../../xml/parse';
import { emissionTime } from '../emission-time';
import { layoutError } from '../errors';
import { normalizeValue } from '../format';
import { buildTree, firstGroup as group, firstValue as first, readEnvio } from '../tree';
import type { LayoutError, LayoutNode } from '../types';
import { cteLayout } from './definition';
import { renderCteChecked } from './render';
import { shapeCte } from './shape';
import type { CteDraft, CteParseResult, CteParty } from './types';

const PARTIES = ['rem', 'exped', 'receb', 'dest'] as const;
const ADDRESS: Record<(typeof PARTIES)[number], string> = { rem: 'enderReme', exped: 'enderExped', receb: 'enderReceb', dest: 'enderDest' };
/** ide/toma 0-3 names one of the parties as tomador (4: the tomador's own group, toma4). */
const TOMA_PARTY: Partial<Record<string, (typeof PARTIES)[number]>> = { '0': 'rem', '1': 'exped', '2': 'receb', '3': 'dest' };

function party(node: LayoutNode | undefined, address: string): CteParty | undefined {
  return node && {
    cnpj: first(node, 'CNPJ'), cpf: first(node, 'CPF'), ie: first(node, 'IE'), uf: first(group(node, address), 'UF'), xNome: first(node, 'xNome'),
  };
}
/** An amount as rendered (decimal places of SEFAZ's TDec_1302). */
function amount(value: string | undefined): string {
  return normalizeValue(value ?? '', { dec: [2, 2] });
}

/** `parsed`: see readEnvio. */
export function parseCteEnvio(xmlText: string, parsed?: OrderedNode[]): CteParseResult {
  const read = readEnvio(xmlText, parsed);
  if (!read.ok) return read;
  const envio = read.envio;
  const errors: LayoutError[] = [];

  const modelo = textAt(envio, ['ModeloDocumento']);
  if (!modelo) errors.push(layoutError('Envio/ModeloDocumento', 'obrigatório'));
  else if (!['cte', '57'].includes(modelo.toLowerCase())) errors.push(layoutError('Envio/ModeloDocumento', 'valor não permitido', modelo));

  const walked = buildTree(envio, cteLayout().invoicy, '57');
  errors.push(...walked.errors);
  const { root, dropped } = walked;
  shapeCte(root, dropped, errors);
  const ide = group(root, 'ide');
  const emit = group(root, 'emit');
  const emitUf = first(group(emit, 'enderEmit'), 'UF') ?? '';
  const { dhEmi, fusoHorario } = emissionTime(first(ide, 'dhEmi'), dropped.get('Envio/ide/fusoHorario'), errors);

  // cCT is 8 digits; ERPs send it as a number ("3969"), InvoiCy pads it.
  const cCT = ide?.fields.get('cCT')?.[0];
  if (cCT && /^\d{1,7}$/.test(cCT.value.trim())) ide.fields.set('cCT', [{ ...cCT, value: cCT.value.trim().padStart(8, '0') }]);
  // The key's random part must not repeat the number (cte.md §3, as cNF ≠ nNF in the NF-e).
  const nCT = first(ide, 'nCT');
  if (cCT && nCT && /^\d+$/.test(cCT.value.trim()) && Number(cCT.value.trim()) === Number(nCT)) errors.push(layoutError(cCT.src, 'diferente de nCT', cCT.value));

  const parties = Object.fromEntries(PARTIES.map((p) => [p, party(group(root, p), ADDRESS[p])])) as Record<(typeof PARTIES)[number], CteParty | undefined>;
  const toma = first(ide, 'toma') ?? '';
  const norm = group(root, 'infCTeNorm');
  const draft: CteDraft = {
    modelo: '57',
    cUF: first(ide, 'cUF') ?? '',
    serie: first(ide, 'serie') ?? '',
    nCT,
    cCT: first(ide, 'cCT'),
    dhEmi,
    fusoHorario,
    tpEmis: first(ide, 'tpEmis') ?? '1',
    tpAmb: first(ide, 'tpAmb') ?? '',
    tpCTe: first(ide, 'tpCTe') ?? '',
    modal: (first(ide, 'modal') ?? '').padStart(2, '0'),
    tpServ: first(ide, 'tpServ') ?? '',
    UFIni: first(ide, 'UFIni') ?? '',
    UFFim: first(ide, 'UFFim') ?? '',
    emitCnpj: first(emit, 'CNPJ'),
    emitCpf: first(emit, 'CPF'),
    emitIe: first(emit, 'IE') ?? '',
    emitUf,
    toma,
    tomador: toma === '4' ? party(ide, 'enderToma') : TOMA_PARTY[toma] && parties[TOMA_PARTY[toma]],
    ...parties,
    vTPrest: amount(first(group(root, 'vPrest'), 'vTPrest')),
    vRec: amount(first(group(root, 'vPrest'), 'vRec')),
    vICMS: amount(first(group(group(root, 'imp'), 'ICMS'), 'vICMS')),
    vCarga: amount(first(group(norm, 'infCarga'), 'vCarga')),
    nfeKeys: (group(norm, 'infDoc')?.groups.get('infNFe') ?? []).map((n) => first(n, 'chave') ?? ''),
    tree: root,
  };
  for (const p of PARTIES) if (!draft[p]) delete draft[p];
  const emails = dropped.get('Envio/ide/EmailArquivos')?.split(';').map((s) => s.trim()).filter(Boolean);
  if (emails?.length) draft.emailArquivos = emails;

  // Dry run of the rendering: the SEFAZ schema decides what is missing or malformed, reported
  // with InvoiCy paths. Gateway-supplied values stand in for what the ERP may omit.
  const offset = fusoHorario ?? ufOffset(emitUf);
  const dry = renderCteChecked(draft, {
    nCT: draft.nCT ?? '1',
    cCT: draft.cCT ?? randomCnf(draft.nCT ?? '1'),
    dhEmi: dhEmi ? dhEmi + offset : formatDateTime(new Date(), offset),
    tpEmis: draft.tpEmis,
    tpAmb: draft.tpAmb,
    verProc: 'fiscal-gateway',
  });
  const seen = new Set(errors.map((e) => `${e.path}|${e.rule}`));
  for (const e of dry.errors) if (!seen.has(`${e.path}|${e.rule}`)) errors.push(e);
  return errors.length ? { ok: false, errors } : { ok: true, draft };
}
