// Shared by the event tests: the EnvioEvento / Inutilizacao layouts an ERP sends and an authorised
// NF-e/NFC-e to aim them at.
import type { Harness, ReplyDocument, TestCompany } from '../support/harness';
import { simpleNfe, simpleNfce } from '../support/samples';
import { sit } from './jobs-support';

export interface EventoFields {
  modelo?: string;
  numero?: number;
  serie?: number;
  chave?: string;
  tp: string;
  seq?: number;
  det: string;
  subst?: string;
  /** EveDh and EveFusoHorario as sent. */
  dh?: string;
  fuso?: string;
}

export function eventoXml(cnpj: string, o: EventoFields): string {
  return (
    `<EnvioEvento><ModeloDocumento>${o.modelo ?? 'NFe'}</ModeloDocumento><Versao>4.00</Versao><Evento><NtfCnpjEmissor>${cnpj}</NtfCnpjEmissor>` +
    (o.numero !== undefined ? `<NtfNumero>${o.numero}</NtfNumero><NtfSerie>${o.serie}</NtfSerie>` : '') +
    `<tpAmb>2</tpAmb>${o.chave ? `<ChaAcesso>${o.chave}</ChaAcesso>` : ''}${o.subst ? `<ChaAcessoSubstituta>${o.subst}</ChaAcessoSubstituta>` : ''}` +
    `<EveInf>${o.dh !== undefined ? `<EveDh>${o.dh}</EveDh>` : ''}${o.fuso !== undefined ? `<EveFusoHorario>${o.fuso}</EveFusoHorario>` : ''}` +
    `<EveTp>${o.tp}</EveTp>${o.seq !== undefined ? `<EvenSeq>${o.seq}</EvenSeq>` : ''}<Evedet>${o.det}</Evedet></EveInf></Evento></EnvioEvento>`
  );
}

export function inutXml(cnpj: string, o: { ini: number; fin: number; serie: number | string; just?: string; modelo?: string }): string {
  return `<Inutilizacao><ModeloDocumento>${o.modelo ?? 'NFe'}</ModeloDocumento><Versao>4.00</Versao><CnpjEmissor>${cnpj}</CnpjEmissor><Ambiente>2</Ambiente>` +
    `<NumeroInicial>${o.ini}</NumeroInicial><NumeroFinal>${o.fin}</NumeroFinal><Serie>${o.serie}</Serie>` +
    `<Justificativa>${o.just ?? 'inutilizacao por motivos de pulo de numeracao'}</Justificativa></Inutilizacao>`;
}

export const CANCEL = '<EveDesc>Cancelamento</EveDesc><EvexJust>cancelamento solicitado pelo cliente em teste</EvexJust><EvenProt>0</EvenProt>';

export function cceDet(correcao: string): string {
  return `<EveDesc>Carta de Correcao</EveDesc><EveCorrecao>${correcao}</EveCorrecao>`;
}

/** Authorises an NF-e (or NFC-e) of the company through SOAP and returns its reply document. */
export async function authorise(h: Harness, nNF: number, o: { serie?: number; nfce?: boolean; as?: TestCompany } = {}): Promise<ReplyDocument> {
  const as = o.as ?? h.main;
  const xml = o.nfce ? simpleNfce({ cnpj: as.cnpj, nNF, serie: o.serie ?? 1 }) : simpleNfe({ cnpj: as.cnpj, nNF, serie: o.serie ?? 1 });
  const d = (await h.call([xml], { as })).documentos[0]!;
  if (sit(d).SitCodigo !== '100') throw new Error(`NF-e ${nNF} não autorizada: ${JSON.stringify(sit(d))}`);
  return d;
}
