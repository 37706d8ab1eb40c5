// xMotivo texts of the CT-e 4.00 answers (cte.md §2–§8). Wording after the MOC CT-e 4.00 tables where
// cte.md quotes them, ours otherwise [I]; codes shared with NF-e (signature 29x, 214, 242, 243…) keep
// cstat.ts's texts.
import { reject as nfeReject, type Rejection } from './cstat';

const TEXTS: Record<string, string> = {
  '100': 'Autorizado o uso do CT-e',
  '101': 'Cancelamento de CT-e homologado',
  '113': 'SVC em processo de desativação. SVC será desabilitada para a SEFAZ de origem',
  '134': 'Evento registrado e vinculado ao CT-e com alerta para situação do documento',
  '135': 'Evento registrado e vinculado a CT-e',
  '136': 'Evento registrado, mas não vinculado a CT-e',
  '204': 'Rejeição: Duplicidade de CT-e',
  '212': 'Rejeição: Data de emissão CT-e posterior a data de recebimento',
  '215': 'Rejeição: Falha no schema XML',
  '217': 'Rejeição: CT-e não consta na base de dados da SEFAZ',
  '218': 'Rejeição: CT-e já está cancelado na base de dados da SEFAZ',
  '220': 'Rejeição: CT-e autorizado há mais de 7 dias (168 horas)',
  '222': 'Rejeição: Protocolo de Autorização de Uso difere do cadastrado',
  '226': 'Rejeição: Código da UF do Emitente diverge da UF autorizadora',
  '227': 'Rejeição: Erro na Chave de Acesso - Campo Id',
  '228': 'Rejeição: Data de Emissão muito atrasada',
  '236': 'Rejeição: Chave de Acesso inválida',
  '239': 'Rejeição: Versão do arquivo XML não suportada',
  '253': 'Rejeição: Dígito Verificador da chave de acesso composta inválido',
  '503': 'Rejeição: CT-e de substituição com tipo de emissão diferente de normal',
  '505': 'Rejeição: CT-e de substituição sem o grupo do CT-e substituído (infCteSub)',
  '510': 'Rejeição: CNPJ do emitente do CT-e substituto difere do CNPJ do emitente do CT-e substituído',
  '515': 'Rejeição: Tipo de emissão de contingência SVC não é aceito pelo autorizador normal',
  '516': 'Rejeição: Tipo de emissão diverge da SVC acessada',
  '517': 'Rejeição: SVC aceita somente CT-e normal (tpCTe 0)',
  '523': 'Rejeição: CT-e não pode ser cancelado, pois possui Carta de Correção',
  '530': 'Rejeição: Evento não permitido na SVC',
  '539': 'Rejeição: Duplicidade de CT-e com diferença na Chave de Acesso',
  '563': 'Rejeição: Prazo para emissão do CT-e de substituição expirado (60 dias da autorização do substituído)',
  '568': 'Rejeição: CT-e substituído não existe',
  '569': 'Rejeição: CT-e substituído está cancelado',
  '570': 'Rejeição: CT-e substituído já foi substituído',
  '571': 'Rejeição: CT-e substituído deve ser normal ou de substituição',
  '574': 'Rejeição: CT-e de substituição não pode ser cancelado',
  '576': 'Rejeição: CT-e substituído não pode ser cancelado',
  '580': 'Rejeição: Falha no schema XML específico do modal',
  '627': 'Rejeição: CNPJ do autor do evento inválido',
  '628': 'Rejeição: Erro Atributo ID do evento não corresponde a concatenação dos campos (“ID” + tpEvento + chCTe + nSeqEvento)',
  '629': 'Rejeição: O tpEvento informado inválido',
  '630': 'Rejeição: Falha no Schema XML específico para o evento',
  '631': 'Rejeição: Duplicidade de evento',
  '632': 'Rejeição: O autor do evento diverge do emissor do CT-e',
  '634': 'Rejeição: A data do evento não pode ser menor que a data de emissão do CT-e',
  '635': 'Rejeição: A data do evento não pode ser maior que a data do processamento',
  '636': 'Rejeição: O número sequencial do evento é maior que o permitido',
  '638': 'Rejeição: Já existe CT-e autorizado com esta numeração',
  '653': 'Rejeição: EPEC só pode ser recebido pela SVC',
  '664': 'Rejeição: Evento não permitido para CT-e substituído',
  '670': 'Rejeição: Série utilizada não permitida no Web Service',
  '673': 'Rejeição: Chave de acesso do CT-e substituído igual à do CT-e de substituição',
  '677': 'Rejeição: Órgão de recepção do evento inválido',
  '678': 'Rejeição: Consumo Indevido',
  '680': 'Rejeição: Tipo de Emissão diferente de EPEC (4)',
  '681': 'Rejeição: Campo não permitido na Carta de Correção',
  '731': 'Rejeição: Consulta a uma chave de acesso muito antiga (mais de 180 dias)',
  '739': 'Rejeição: CT-e substituído sem evento de prestação do serviço em desacordo autorizado',
  '755': 'Rejeição: O autor do evento deve ser o tomador do CT-e',
  '787': 'Rejeição: Prazo do evento de Prestação do Serviço em Desacordo expirado (45 dias)',
  '847': 'Rejeição: Chave de acesso do CT-e substituído inválida',
  '862': 'Rejeição: CT-e com comprovante de entrega autorizado não pode ser cancelado',
  '864': 'Rejeição: NF-e do comprovante de entrega não consta entre os documentos do CT-e',
  '865': 'Rejeição: Obrigatório informar as NF-e entregues (infEntrega) para CT-e Normal com NF-e',
  '866': 'Rejeição: Protocolo do evento a cancelar não encontrado, de outro CT-e ou já cancelado',
  '869': 'Rejeição: Comprovante de entrega não permitido para CT-e de complemento de valores',
  '870': 'Rejeição: Já existe comprovante de entrega ativo para este CT-e',
  '871': 'Rejeição: Não informar infEntrega para CT-e com tipo de serviço diferente de Normal',
  '872': 'Rejeição: Data de entrega anterior à emissão do CT-e ou posterior à data de processamento',
  '873': 'Rejeição: Data do hash de entrega anterior à emissão do CT-e ou posterior à data de processamento',
};

export function cteXMotivo(cStat: string): string {
  return TEXTS[cStat] ?? nfeReject(cStat).xMotivo;
}

export function cteReject(cStat: string, detail?: string): Rejection {
  const text = cteXMotivo(cStat);
  return { cStat, xMotivo: (detail ? `${text}: ${detail}` : text).slice(0, 255) };
}
