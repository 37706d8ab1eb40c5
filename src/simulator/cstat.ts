// xMotivo texts the simulator answers with. Wording from the MOC tables as published in nfephp
// sped-nfe storage/cstat.json (sefaz-nfe.md §6); codes the doc leaves open are marked [I].

const TEXTS: Record<string, string> = {
  '100': 'Autorizado o uso da NF-e',
  '101': 'Cancelamento de NF-e homologado',
  '102': 'Inutilização de número homologado',
  '103': 'Lote recebido com sucesso',
  '104': 'Lote processado',
  '105': 'Lote em processamento',
  '106': 'Lote não localizado',
  '107': 'Serviço em Operação',
  '108': 'Serviço Paralisado Momentaneamente (curto prazo)',
  '109': 'Serviço Paralisado sem Previsão',
  '110': 'Uso Denegado',
  '114': 'SVC desabilitada pela SEFAZ de Origem',
  '124': 'EPEC Autorizado',
  '128': 'Lote de Evento Processado',
  '135': 'Evento registrado e vinculado a NF-e',
  '136': 'Evento registrado, mas não vinculado a NF-e',
  '206': 'Rejeição: NF-e já está inutilizada na Base de dados da SEFAZ',
  '213': 'Rejeição: CNPJ-Base do Emitente difere do CNPJ-Base do Certificado Digital',
  '214': 'Rejeição: Tamanho da mensagem excedeu o limite estabelecido',
  '215': 'Rejeição: Falha no schema XML',
  '217': 'Rejeição: NF-e não consta na base de dados da SEFAZ',
  '218': 'Rejeição: NF-e já está cancelada na base de dados da SEFAZ',
  '222': 'Rejeição: Protocolo de Autorização de Uso difere do cadastrado',
  '223': 'Rejeição: CNPJ do transmissor do lote difere do CNPJ do transmissor da consulta',
  '224': 'Rejeição: A faixa inicial é maior que a faixa final',
  '225': 'Rejeição: Falha no Schema XML do lote de NFe',
  '226': 'Rejeição: Código da UF do Emitente diverge da UF autorizadora',
  '228': 'Rejeição: Data de Emissão muito atrasada',
  '236': 'Rejeição: Chave de Acesso com dígito verificador inválido',
  '239': 'Rejeição: Cabeçalho - Versão do arquivo XML não suportada',
  '241': 'Rejeição: Um número da faixa já foi utilizado',
  '242': 'Rejeição: Cabeçalho - Falha no Schema XML',
  '243': 'Rejeição: XML Mal Formado',
  '248': 'Rejeição: UF do Recibo diverge da UF autorizadora',
  '252': 'Rejeição: Ambiente informado diverge do Ambiente de recebimento',
  '253': 'Rejeição: Digito Verificador da chave de acesso composta inválida',
  '256': 'Rejeição: Uma NF-e da faixa já está inutilizada na Base de dados da SEFAZ',
  '280': 'Rejeição: Certificado Transmissor inválido',
  '281': 'Rejeição: Certificado Transmissor Data Validade',
  '282': 'Rejeição: Certificado Transmissor sem CNPJ',
  '283': 'Rejeição: Certificado Transmissor - erro Cadeia de Certificação',
  '301': 'Uso Denegado: Irregularidade fiscal do emitente',
  '302': 'Uso Denegado: Irregularidade fiscal do destinatário',
  '303': 'Uso Denegado: Destinatário não habilitado a operar na UF',
  '373': 'Rejeição: Descricao do primeiro item diferente de NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL',
  '394': 'Rejeição: Nota Fiscal sem a informação do QR-Code',
  '397': 'Rejeição: Parâmetro do QR-Code divergente da Nota Fiscal (chAcesso)',
  '398': 'Rejeição: Parâmetro nVersao do QR-Code difere do previsto',
  '404': 'Rejeição: Uso de prefixo de namespace não permitido',
  // NT 2025.001 reassigned 452 (sefaz-nfe.md §5.4).
  '452': 'Rejeição: Solicitada resposta assíncrona para Lote com somente 1 (uma) NF-e (indSinc=0)',
  '453': 'Rejeição: Ano de inutilização não pode ser superior ao Ano atual',
  '462': 'Rejeição: Código Identificador do CSC no QR-Code não cadastrado na SEFAZ',
  '464': 'Rejeição: Código de Hash no QR-Code difere do calculado',
  '467': 'Rejeição: Dados da NF-e divergentes do EPEC',
  '468': 'Rejeição: NF-e com Tipo Emissão = 4, sem EPEC correspondente',
  '484': 'Rejeição: Chave de Acesso com tipo de emissão diferente de 4 (posição 35 da Chave de Acesso)',
  '485': 'Rejeição: Duplicidade de numeração do EPEC (Modelo, CNPJ, Série e Número)',
  '491': 'Rejeição: O tpEvento informado inválido',
  '494': 'Rejeição: Chave de Acesso inexistente',
  // MOC 7.0 wording (NT 2018.004); older lists say "NF-e autorizada a mais de 7 dias".
  '501': 'Rejeição: Prazo de cancelamento superior ao previsto na Legislação',
  '502': 'Rejeição: Erro na Chave de Acesso - Campo Id não corresponde à concatenação dos campos correspondentes',
  '516': 'Rejeição: Falha no schema XML – inexiste a tag raiz esperada para a mensagem',
  '517': 'Rejeição: Falha no schema XML – inexiste atributo versao na tag raiz da mensagem',
  '553': 'Rejeição: Tipo autorizador do recibo diverge do Órgão Autorizador.',
  '556': 'Rejeição: Justificativa de entrada em contingência não deve ser informada para tipo de emissão normal',
  '557': 'Rejeição: A Justificativa de entrada em contingência deve ser informada.',
  '561': 'Rejeição: Mês de Emissão informado na Chave de Acesso difere do Mês de Emissão da NF-e',
  '562': 'Rejeição: Código Numérico informado na Chave de Acesso difere do Código Numérico da NF-e',
  '563': 'Rejeição: Já existe pedido de Inutilização com a mesma faixa de inutilização',
  '570': 'Rejeição: Tipo de Emissão 3, 6 ou 7 só é válido nas contingências SCAN/SVC',
  '572': 'Rejeição: Erro Atributo ID do evento não corresponde a concatenação dos campos (“ID” + tpEvento + chNFe + nSeqEvento)',
  '573': 'Rejeição: Duplicidade de Evento',
  '574': 'Rejeição: O autor do evento diverge do emissor da NF-e',
  '577': 'Rejeição: A data do evento não pode ser menor que a data de emissão da NF-e',
  '578': 'Rejeição: A data do evento não pode ser maior que a data do processamento',
  '580': 'Rejeição: O evento exige uma NF-e autorizada',
  // [I] 582/586: SVC-specific refusals named in sefaz-nfe.md §6 (wording ours).
  '582': 'Rejeição: UF do emitente não atendida por esta SVC',
  '586': 'Rejeição: Serviço não disponível na SVC',
  '587': 'Rejeição: Usar somente o namespace padrão da NF-e',
  '594': 'Rejeição: O número de sequencia do evento informado é maior que o permitido',
  '598': 'Rejeição: NF-e emitida em ambiente de homologação com Razão Social do destinatário diferente de NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL',
  '615': 'Rejeição: Chave de Acesso inválida (Ano menor que 06 ou Ano maior que Ano corrente)',
  '617': 'Rejeição: Chave de Acesso inválida (CNPJ zerado ou dígito inválido)',
  '618': 'Rejeição: Chave de Acesso inválida (modelo diferente de 55 e 65)',
  '619': 'Rejeição: Chave de Acesso inválida (número NF = 0)',
  '656': 'Rejeição: Consumo Indevido',
  '661': 'Rejeição: NF-e já existente para o número do EPEC informado',
  '662': 'Rejeição: Numeração do EPEC está inutilizada na Base de Dados da SEFAZ',
  '703': 'Rejeição: Data-Hora de Emissão posterior ao horário de recebimento',
  '704': 'Rejeição: NFC-e com Data-Hora de emissão atrasada',
  '711': 'Rejeição: NF-e com contingência off-line',
  '713': 'Rejeição: Tipo de Emissão diferente de 6 ou 7 para contingência da SVC acessada',
  '714': 'Rejeição: NFC-e com contingência DPEC inexistente',
  '764': 'Rejeição: Solicitada resposta síncrona para Lote com mais de uma NF-e (indSinc=1)',
  '765': 'Rejeição: Lote só poderá conter NF-e ou NFC-e',
  '783': 'Rejeição: NFC-e não é autorizada pela SVC',
  '784': 'Rejeição: NFC-e não permite o evento de Carta de Correção',
  '878': 'Rejeição: Endereço do site da UF da Consulta por chave de acesso diverge do previsto',
  '897': 'Rejeição: Código numérico em formato inválido',
  '999': 'Rejeição: Erro não catalogado',
};

/** The standard xMotivo for a cStat (a generic text for codes injected by a fault). */
export function xMotivo(cStat: string): string {
  return TEXTS[cStat] ?? `Rejeição: Erro não catalogado (cStat ${cStat} simulado)`;
}

/** A rejection carried through the validation steps. */
export interface Rejection {
  cStat: string;
  xMotivo: string;
}

export function reject(cStat: string, detail?: string): Rejection {
  const text = xMotivo(cStat);
  return { cStat, xMotivo: (detail ? `${text}: ${detail}` : text).slice(0, 255) };
}
