// What the NF-e/NFC-e reader tolerates of what real ERPs send (issue 14 §1), as ONE table: fields
// InvoiCy itself fills, 3.10-era fields whose meaning moved or vanished in 4.00 (leiauteNFe_v3.10 vs
// v4.00), and optional codes sent as "0" where SEFAZ's pattern forbids zero. Each row is applied by
// tolerate.ts before the layout is read, and each application is logged with the document; the
// README's tolerance table lists the same rows. Paths are InvoiCy paths (names matched ignoring case).

export type ToleranceAction =
  /** Removed: the gateway fills it, or 4.00 has no place for it. */
  | { kind: 'drop' }
  /** The same value under its 4.00 name, in the same group. */
  | { kind: 'rename'; to: string }
  /** Removed when it is all zeros and the SEFAZ element (`sefaz`, path under infNFe) refuses that. */
  | { kind: 'omit-zero'; sefaz: string }
  /** 3.10 ide/indPag: 0/1 become each payment's indPag_pag (one it does not give itself); else dropped. */
  | { kind: 'payment-indicator' }
  /** 3.10 med lot fields: each medItem's lot becomes a RastroItem of the same product (4.00 rastro). */
  | { kind: 'lot-to-rastro' }
  /** A group whose ICMS-ST retido amounts come without pST: pST computed from them. */
  | { kind: 'retained-st-rate' };

export interface ToleranceRule {
  path: string;
  action: ToleranceAction;
  /** Why, for the README table and the reviewer. */
  why: string;
}

const FILLED = 'preenchido pelo gateway, como o InvoiCy';
const zero = (path: string, sefaz: string): ToleranceRule => ({
  path, action: { kind: 'omit-zero', sefaz }, why: 'campo opcional: "0" é a falta do dado, e o padrão da SEFAZ não aceita zero',
});

export const NFE_TOLERANCE: readonly ToleranceRule[] = [
  { path: 'Envio/ide/procEmi', action: { kind: 'drop' }, why: `${FILLED} (0: aplicativo do contribuinte)` },
  { path: 'Envio/ide/verProc', action: { kind: 'drop' }, why: `${FILLED} (versão do aplicativo emissor)` },
  { path: 'Envio/ide/cDV', action: { kind: 'drop' }, why: `${FILLED} (dígito da chave de acesso que o gateway calcula)` },
  { path: 'Envio/ide/indPag', action: { kind: 'payment-indicator' }, why: 'layout 3.10: no 4.00 o indicador fica em cada pagamento (pag/detPag/indPag, só 0 e 1)' },
  { path: 'Envio/ide/xJus', action: { kind: 'rename', to: 'xJust' }, why: 'grafia antiga da justificativa de contingência' },
  { path: 'Envio/det/detItem/prod/med/medItem/nLote', action: { kind: 'lot-to-rastro' }, why: 'layout 3.10: o lote do medicamento passou ao grupo rastro no 4.00' },
  { path: 'Envio/det/detItem/prod/med/medItem/qLote', action: { kind: 'lot-to-rastro' }, why: 'layout 3.10: o lote do medicamento passou ao grupo rastro no 4.00' },
  { path: 'Envio/det/detItem/prod/med/medItem/dFab', action: { kind: 'lot-to-rastro' }, why: 'layout 3.10: o lote do medicamento passou ao grupo rastro no 4.00' },
  { path: 'Envio/det/detItem/prod/med/medItem/dVal', action: { kind: 'lot-to-rastro' }, why: 'layout 3.10: o lote do medicamento passou ao grupo rastro no 4.00' },
  { path: 'Envio/det/detItem/prod/comb/pMixGN', action: { kind: 'drop' }, why: 'layout 3.10: substituído no 4.00 por pGLP, pGNn e pGNi, que não se deduzem dele' },
  { path: 'Envio/det/detItem/imposto/IPI/clEnq', action: { kind: 'drop' }, why: 'layout 3.10: a classe de enquadramento do IPI saiu do leiaute 4.00' },
  {
    path: 'Envio/det/detItem/imposto/ICMS', action: { kind: 'retained-st-rate' },
    why: 'pST (novo no 4.00) obrigatório com vBCSTRet e vICMSSTRet (CST 60, CSOSN 500): calculado deles, FCP incluído, em vez de recusar ou descartar o ICMS-ST retido que o ERP informou',
  },
  zero('Envio/emit/enderEmit/fone', 'emit/enderEmit/fone'),
  zero('Envio/emit/IEST', 'emit/IEST'),
  zero('Envio/emit/CNAE', 'emit/CNAE'),
  zero('Envio/dest/ISUF', 'dest/ISUF'),
  zero('Envio/dest/enderDest/CEP_dest', 'dest/enderDest/CEP'),
  zero('Envio/dest/enderDest/fone_dest', 'dest/enderDest/fone'),
  zero('Envio/retirada/CEP_ret', 'retirada/CEP'),
  zero('Envio/retirada/fone_ret', 'retirada/fone'),
  zero('Envio/entrega/CEP_entr', 'entrega/CEP'),
  zero('Envio/entrega/fone_entr', 'entrega/fone'),
  zero('Envio/det/detItem/prod/EXTIPI', 'det/prod/EXTIPI'),
  zero('Envio/det/detItem/prod/CNPJFab', 'det/prod/CNPJFab'),
  zero('Envio/det/detItem/imposto/IPI/CNPJProd', 'det/imposto/IPI/CNPJProd'),
  zero('Envio/det/detItem/imposto/ISSQN/cMun_issqn', 'det/imposto/ISSQN/cMun'),
  zero('Envio/pag/pagItem/card/CNPJ_card', 'pag/detPag/card/CNPJ'),
  zero('Envio/pag/pagItem/card/tBand', 'pag/detPag/card/tBand'),
  zero('Envio/pag/pagItem/card/CNPJReceb', 'pag/detPag/card/CNPJReceb'),
];
