// parseNfeEnvio: InvoiCy <Envio> text → NfeDraft, with every layout error collected at once.
import { randomCnf } from '../../fiscal/chave';
import { formatDateTime } from '../../fiscal/datetime';
import { ufOffset } from '../../fiscal/ufs';
import type { OrderedNode } from '../../xml/parse';
import { textAt } from '../../xml/ordered';
import { emissionTime, LOCAL_DATETIME } from '../emission-time';
import { layoutError } from '../errors';
import { normalizeValue } from '../format';
import { buildTree, firstGroup as group, firstValue as first, readEnvio, type UnknownFields } from '../tree';
import type { LayoutError, LayoutNode } from '../types';
import { completeTotals } from './amounts';
import { nfeLayout, sefazElement } from './definition';
import { completePayment } from './payment';
import { renderChecked } from './render';
import { tolerateNfe } from './tolerate';
import { versionError } from './version';
import type { NfeDraft, ParseResult } from './types';

const MODELS: Record<string, '55' | '65'> = { nfe: '55', nfce: '65', '55': '55', '65': '65' };


function total(root: LayoutNode, name: string): string {
  const v = first(group(group(root, 'total'), 'ICMSTot'), name) ?? '';
  return normalizeValue(v, sefazElement(['total', 'ICMSTot', name])?.type);
}

/** `parsed`: see readEnvio. `unknownFields`: the company's choice (default: reject, 145). */
export function parseNfeEnvio(xmlText: string, parsed?: OrderedNode[], unknownFields?: UnknownFields): ParseResult {
  const read = readEnvio(xmlText, parsed);
  if (!read.ok) return read;
  const version = versionError(read.envio);
  if (version) return { ok: false, errors: [version] };
  const { envio, notes } = tolerateNfe(read.envio);
  const errors: LayoutError[] = [];

  const modeloRaw = textAt(envio, ['ModeloDocumento']) ?? textAt(envio, ['ide', 'mod']);
  const modelo = modeloRaw ? MODELS[modeloRaw.toLowerCase()] : undefined;
  if (!modeloRaw) errors.push(layoutError('Envio/ModeloDocumento', 'obrigatório'));
  else if (!modelo) errors.push(layoutError('Envio/ModeloDocumento', 'valor não permitido', modeloRaw));

  const walked = buildTree(envio, nfeLayout().invoicy, modelo, unknownFields);
  errors.push(...walked.errors);
  notes.push(...walked.ignored.map((p) => `${p} ignorado (campo desconhecido)`));
  const root = walked.root;
  completeTotals(root, modelo ?? '55');
  completePayment(root, modelo, errors);
  const dropped = walked.dropped;
  const ide = group(root, 'ide');
  const emit = group(root, 'emit');
  const emitUf = first(group(emit, 'enderEmit'), 'UF') ?? '';

  const { dhEmi, fusoHorario } = emissionTime(first(ide, 'dhEmi'), dropped.get('Envio/ide/fusoHorario'), errors);
  const dhSaiEnt = ide?.fields.get('dhSaiEnt')?.[0];
  if (dhSaiEnt && LOCAL_DATETIME.test(dhSaiEnt.value.trim())) {
    ide.fields.set('dhSaiEnt', [{ ...dhSaiEnt, value: dhSaiEnt.value.trim() + (fusoHorario ?? ufOffset(emitUf)) }]);
  }

  // cNF is 8 digits; ERPs send it as a number ("111"), InvoiCy pads it.
  const cNF = ide?.fields.get('cNF')?.[0];
  if (cNF && /^\d{1,7}$/.test(cNF.value.trim())) ide.fields.set('cNF', [{ ...cNF, value: cNF.value.trim().padStart(8, '0') }]);

  const dest = group(root, 'dest');
  const draft: NfeDraft = {
    modelo: modelo ?? '55',
    cUF: first(ide, 'cUF') ?? '',
    serie: first(ide, 'serie') ?? '',
    nNF: first(ide, 'nNF'),
    cNF: first(ide, 'cNF'),
    dhEmi,
    fusoHorario,
    tpEmis: first(ide, 'tpEmis') ?? '1',
    tpAmb: first(ide, 'tpAmb') ?? '',
    tpNF: first(ide, 'tpNF') ?? '',
    emitCnpj: first(emit, 'CNPJ'),
    emitCpf: first(emit, 'CPF'),
    emitIe: first(emit, 'IE') ?? '',
    emitUf,
    destDoc: dest && {
      cnpj: first(dest, 'CNPJ'), cpf: first(dest, 'CPF'), idEstrangeiro: first(dest, 'idEstrangeiro'),
      ie: first(dest, 'IE'), uf: first(group(dest, 'enderDest'), 'UF'), xNome: first(dest, 'xNome'),
    },
    vNF: total(root, 'vNF'),
    vICMS: total(root, 'vICMS'),
    vST: total(root, 'vST'),
    tree: root,
  };
  const qrCode = dropped.get('Envio/infSuplem/qrCode');
  const urlChave = dropped.get('Envio/infSuplem/urlChave');
  if (qrCode || urlChave) draft.infSuplem = { qrCode, urlChave };
  const idUnico = dropped.get('Envio/ide/IDUnico');
  if (idUnico) draft.idUnico = idUnico;
  const numeroPedido = dropped.get('Envio/ide/NumeroPedido');
  if (numeroPedido) draft.numeroPedido = numeroPedido;
  const emails = dropped.get('Envio/ide/EmailArquivos')?.split(';').map((s) => s.trim()).filter(Boolean);
  if (emails?.length) draft.emailArquivos = emails;
  if (notes.length) draft.tolerated = notes;

  // Dry run of the rendering: the SEFAZ schema decides what is missing or malformed, reported
  // with InvoiCy paths. Gateway-supplied values stand in for what the ERP may omit.
  const offset = fusoHorario ?? ufOffset(emitUf);
  const dry = renderChecked(draft, {
    nNF: draft.nNF ?? '1',
    cNF: draft.cNF ?? randomCnf(draft.nNF ?? '1'),
    dhEmi: dhEmi ? dhEmi + offset : formatDateTime(new Date(), offset),
    tpEmis: draft.tpEmis,
    verProc: 'fiscal-gateway',
  });
  const seen = new Set(errors.map((e) => `${e.path}|${e.rule}`));
  for (const e of dry.errors) if (!seen.has(`${e.path}|${e.rule}`)) errors.push(e);
  return errors.length ? { ok: false, errors } : { ok: true, draft };
}
