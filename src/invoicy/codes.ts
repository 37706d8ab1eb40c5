// InvoiCy request-level codes (MensagemItem/Codigo, contract §10.1) with the Portuguese texts ERPs
// see in Descricao. Document-level codes (SitCodigo) are a separate vocabulary and live elsewhere.

export const REQUEST_CODES = {
  100: 'Documentos processados',
  103: 'Falha na validação do certificado digital',
  104: 'Certificado digital não informado para a empresa',
  108: 'Entrada da SEFAZ em contingência',
  109: 'SEFAZ em contingência',
  117: 'Nenhum documento encontrado na base de dados',
  145: 'Erro na estrutura do XML. Verifique o layout de integração',
  173: 'Chave de comunicação inválida',
  174: 'Documento e ambiente não identificados',
  176: 'Tipo de documento não identificado',
  179: 'Uso indevido: requisição idêntica recebida repetidamente; bloqueada temporariamente',
  199: 'Falha ao buscar dados para emissão',
  201: 'Falha na assinatura digital',
  602: 'Nenhum web service encontrado para envio do documento',
  606: 'Empresa não habilitada para utilizar o sistema',
  607: 'Empresa não licenciada para o módulo/ambiente',
  999: 'Erro genérico',
} as const;

export type RequestCode = keyof typeof REQUEST_CODES;

/** Maximum DadosItem per call (contract §4). */
export const MAX_DOCUMENTS_PER_CALL = 50;
