// Shared by the CT-e event tests: InvoiCy's CT-e EnvioEvento layouts (the event layout and the CC-e
// layout), and authorised CT-e of the harness's companies to aim them at.
import { formatDateTime } from '../../src/fiscal/datetime';
import type { Harness, ReplyDocument, TestCompany } from '../support/harness';
import { cteFor } from '../support/cte';
import { decodeB64 } from '../support/checks';
import { sit } from './jobs-support';

export interface CteEvento {
  as?: TestCompany;
  numero: number;
  serie: number;
  chave?: string;
  tp: string;
  seq?: number;
  det: string;
}

export const CANCEL = '<EveDesc>Cancelamento</EveDesc><EvexJust>cancelamento do CT-e solicitado em teste</EvexJust>';
export const DESACORDO = '<EveDesc>Prestação do Serviço em Desacordo</EveDesc><PrestDesacordo><indDesacordo>1</indDesacordo></PrestDesacordo>';
export const CANCEL_DESACORDO = '<EveDesc>Cancelamento Prestação do Serviço em Desacordo</EveDesc>';
/** The 16 bytes 00 01 … 0F of cte.md §6.4's vectors, in base64. */
export const IMAGE = Buffer.from(Uint8Array.from({ length: 16 }, (_, i) => i)).toString('base64');

export function proc(d: ReplyDocument): string {
  return decodeB64(d.DocXMLBase64);
}

/** The event requests of a harness whose gateway clock is `now` (EveDh follows it). */
export function cteEvents(h: Harness, now: () => Date = () => new Date()) {
  /** A local date-time at -03:00 (RS), as an ERP writes EveDh. */
  const localNow = () => formatDateTime(now(), '-03:00').slice(0, 19);

  /** InvoiCy's CT-e EnvioEvento (Eventos/Layouts/CTe 4.00). */
  const evento = (o: CteEvento): string =>
    `<EnvioEvento><ModeloDocumento>CTe</ModeloDocumento><Versao>4.00</Versao><Evento><CteCnpjEmissor>${(o.as ?? h.main).cnpj}</CteCnpjEmissor>` +
    `<CteNumero>${o.numero}</CteNumero><CteSerie>${o.serie}</CteSerie><tpAmb>2</tpAmb>${o.chave ? `<ChaAcesso>${o.chave}</ChaAcesso>` : ''}` +
    `<EveInf><EveDh>${localNow()}</EveDh><EveFusoHorario>-03:00</EveFusoHorario>` +
    `<EveTp>${o.tp}</EveTp>${o.seq !== undefined ? `<EvenSeq>${o.seq}</EvenSeq>` : ''}<Evedet>${o.det}</Evedet></EveInf></Evento></EnvioEvento>`;

  const comprovanteDet = (inner: string): string => {
    const at = localNow();
    return `<EveDesc>Comprovante de Entrega do CT-e</EveDesc><CompEntrega><dhEntrega>${at}</dhEntrega><FusoEntrega>-03:00</FusoEntrega>` +
      '<nDoc>12345678</nDoc><xNome>Maria Recebedora</xNome><latitude>-27.86882359</latitude><longitude>-53.9851</longitude>' +
      `<dhHashEntrega>${at}</dhHashEntrega><FusoHashEntrega>-03:00</FusoHashEntrega>${inner}</CompEntrega>`;
  };

  /** InvoiCy's CC-e layout: the company's CT-e n as authorised (cteFor) with `edit`'s corrections, EveDh in ide. */
  const cceLayout = (n: number, serie: number, edit: (xml: string) => string): string =>
    edit(cteFor(h.main, 'RS', n, { serie }))
      .replace(/^\s*<Envio>/, '<EnvioEvento>').replace(/<\/Envio>\s*$/, '</EnvioEvento>').replace('<ide>', `<ide><EveDh>${localNow()}</EveDh>`);

  const send = async (xml: string, as?: TestCompany): Promise<ReplyDocument> => {
    const reply = await h.call([xml], { as });
    return reply.documentos[0] ?? { raw: reply.raw };
  };

  /** Authorises the rodoviário example as CT-e n of the company (RS), optionally naming a CNPJ as tomador (toma4). */
  const authorise = async (n: number, o: { serie: number; as?: TestCompany; tomador?: string }): Promise<ReplyDocument> => {
    let xml = cteFor(o.as ?? h.main, 'RS', n, { serie: o.serie });
    if (o.tomador) xml = xml.replace(/<CPF_toma>[^<]*<\/CPF_toma>/, `<CNPJ_toma>${o.tomador}</CNPJ_toma>`);
    const d = await send(xml, o.as);
    if (sit(d).SitCodigo !== '100') throw new Error(`CT-e ${n} não autorizado: ${JSON.stringify(d)}`);
    return d;
  };

  return { evento, comprovanteDet, cceLayout, send, authorise };
}
