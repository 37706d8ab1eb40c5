// Document-level codes the emission layer answers with (invoicy-contract.md §10.2, §10.3). SEFAZ
// cStat values pass through untouched; these are InvoiCy's own. DocStatus values: store port.
import { DOC_STATUS, type DocStatus } from '../fiscal/document-state';
import { withArticle, type DocumentNoun } from './document-noun';

/** SEFAZ cStat of a denial (uso denegado): the number is consumed and the nfeProc is kept. */
export const DENIAL_CSTATS: readonly string[] = ['110', '301', '302', '303'];

/** SEFAZ cStat of an authorisation (150 = authorised out of deadline). */
export const AUTHORISED_CSTATS: readonly string[] = ['100', '150'];

/** DocStatus values whose number is definitively consumed: a resend returns the stored result. */
export const FINAL_STATUSES: readonly DocStatus[] = [
  DOC_STATUS.AUTORIZADO, DOC_STATUS.CANCELADO, DOC_STATUS.DENEGADO, DOC_STATUS.EPEC, DOC_STATUS.CONTINGENCIA_SVC,
];

/** InvoiCy document-level codes (SitCodigo) that are not SEFAZ cStat values. */
export const SitCodigo = {
  certificadoInvalido: 103,
  semCertificado: 104,
  pendente: 105,
  naoEncontrado: 106,
  entradaContingencia: 108,
  layout: 145,
  /** ModeloDocumento unknown (InvoiCy "Tipo de documento não identificado"). */
  tipoNaoIdentificado: 176,
  /**
   * A model, event or operation InvoiCy has but this service does not offer yet: InvoiCy's "module
   * not available to the company" code, so the ERP treats it as final (not a layout error to fix,
   * not a failure to retry).
   */
  naoDisponivel: 607,
  schema: 225,
  consultaNaoLocalizado: 117,
  /**
   * The document never left the gateway (processing interrupted before it was signed and sent, e.g. by
   * a crash): Rejeitado, so the ERP may send that number again. InvoiCy's 199 is the failure that
   * stops an emission before it reaches SEFAZ ("falha ao buscar dados para emissão").
   */
  naoTransmitido: 199,
  /**
   * A DistribuicaoDFe key lookup the gateway did not send now (the CNPJ's key budget spent, blocked,
   * backing off, or its capture running): InvoiCy's "uso indevido, bloqueada temporariamente", the text
   * saying when to try again. Sending it would risk the AN's 656.
   */
  tenteMaisTarde: 179,
  /** Genuine internal errors only (the text carries the request id). */
  erroInterno: 999,
} as const;

/** "NFe, NFCe ou CTe". */
export function alternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} ou ${names.at(-1) ?? ''}`;
}

export const TEXT = {
  semCertificado: 'Certificado digital não informado para a empresa',
  pendente: 'Documento pendente: SEFAZ em contingência e nenhuma opção de contingência disponível; consulte antes de enviar o próximo documento',
  eventoPendente: 'Evento pendente',
  naoLocalizado: 'Nenhum documento localizado',
  pdfIndisponivel: 'PDF não disponível nesta versão',
  emProcessamento: 'Documento em processamento; consulte a situação antes de reenviar',
  conteudoDivergente: 'Atenção: o conteúdo reenviado difere do documento original deste número e não foi transmitido à SEFAZ',
  modeloNaoSuportado: (modelo: string) => `Modelo de documento ${modelo} ainda não suportado por este serviço`,
  modeloNaoIdentificado: (modelo: string, issued: readonly string[]) => `Tipo de documento não identificado: ModeloDocumento "${modelo}" inválido (use ${alternatives(issued)})`,
  operacaoNaoSuportada: (op: string) => `${op} ainda não disponível nesta versão do serviço`,
  eventoEmProcessamento: (tpEvento: string, nSeq: number) =>
    `Evento ${tpEvento} sequência ${nSeq} em processamento; consulte a situação (Eventos=S) antes de reenviar`,
  xJustContingencia: 'SEFAZ indisponível - emissão em contingência',
  semResposta: 'Documento enviado à SEFAZ sem resposta (SEFAZ em operação); a situação será confirmada automaticamente, consulte antes de reenviar',
  mensagemExcedeLimite: (noun: DocumentNoun, kb: number, limitKb: number) =>
    `Rejeição: Tamanho da mensagem excedeu o limite estabelecido: ${withArticle(noun)} gera uma mensagem de ${kb} KB e a SEFAZ aceita até ${limitKb} KB; documento não enviado, reduza o XML (itens, informações adicionais) e envie o número novamente`,
  pendenteContingencia: 'Documento pendente: transmitido em contingência sem resposta da SEFAZ; a situação será confirmada automaticamente, consulte antes de reenviar',
  offline: 'Emitida em contingência off-line; a NFC-e será transmitida automaticamente à SEFAZ',
  descarteAgendado: (numero: number, serie: number, semInutilizacao = false) =>
    `Descarte agendado: o documento ${numero} série ${serie} será cancelado se estiver autorizado na SEFAZ ou terá o número ${semInutilizacao ? 'encerrado na numeração deste serviço (sem inutilização na SEFAZ)' : 'inutilizado'}; consulte a situação`,
  descarteNaoLocalizado: (numero: number, serie: number) => `Rejeição: documento ${numero} série ${serie} não localizado para descarte nesta empresa`,
  jaCancelado: 'Documento já cancelado',
  jaInutilizado: 'Número já inutilizado',
  naoTransmitido: 'Rejeição: processamento interrompido antes do envio; o documento não foi transmitido à SEFAZ e o número pode ser enviado novamente',
} as const;
