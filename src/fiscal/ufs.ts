// UF table: IBGE codes, time-zone offsets, and which authorizer serves each UF per model
// (sefaz-nfe.md §1.1, Appendix C; SVC map §7.3; CT-e: cte.md §2.3 and the SVC map of §4.1), the SVC
// maps shipped as defaults that configuration may override.

import type { DocModel } from './document-state';

export const UF_CODES: Readonly<Record<string, string>> = {
  RO: '11', AC: '12', AM: '13', RR: '14', PA: '15', AP: '16', TO: '17', MA: '21', PI: '22', CE: '23',
  RN: '24', PB: '25', PE: '26', AL: '27', SE: '28', BA: '29', MG: '31', ES: '32', RJ: '33', SP: '35',
  PR: '41', SC: '42', RS: '43', MS: '50', MT: '51', GO: '52', DF: '53',
};

export type Uf = keyof typeof UF_CODES;

const CODE_TO_UF: Record<string, string> = Object.fromEntries(Object.entries(UF_CODES).map(([uf, c]) => [c, uf]));

export function isUf(value: string): boolean {
  return Object.prototype.hasOwnProperty.call(UF_CODES, value);
}

export function ufCode(uf: string): string {
  const code = UF_CODES[uf];
  if (!code) throw new Error(`UF desconhecida: ${uf}`);
  return code;
}

export function ufFromCode(code: string): string | undefined {
  return CODE_TO_UF[code];
}

// Standard offsets without daylight saving (abolished in 2019). Fernando de Noronha (-02:00) is a
// municipality of PE and is not distinguished here.
const OFFSETS: Record<string, string> = {
  AC: '-05:00', AM: '-04:00', RR: '-04:00', RO: '-04:00', MT: '-04:00', MS: '-04:00',
};

export function ufOffset(uf: string): string {
  return OFFSETS[uf] ?? '-03:00';
}

/** Authorizer key (as in the endpoint table) that serves a UF for a model in normal operation. */
export function normalAuthorizer(uf: string, model: DocModel): string {
  if (model === '55') {
    if (['AM', 'BA', 'GO', 'MG', 'MS', 'MT', 'PE', 'PR', 'RS', 'SP'].includes(uf)) return uf;
    if (uf === 'MA') return 'SVAN';
    return 'SVRS';
  }
  if (model === '57') return CTE_AUTHORIZERS[uf] ?? 'SVRS';
  if (['AM', 'GO', 'MG', 'MS', 'MT', 'PR', 'RS', 'SP'].includes(uf)) return uf;
  return 'SVRS';
}

/** CT-e (57) authorizers other than SVRS (cte.md §2.3): own web services and SEFAZ Virtual SP. */
const CTE_AUTHORIZERS: Readonly<Record<string, string>> = {
  MG: 'MG', MS: 'MS', MT: 'MT', PR: 'PR', RS: 'RS', SP: 'SP', AP: 'SVSP', PE: 'SVSP', RR: 'SVSP',
};

/** The SVCs (contingency authorizers): SVC-AN and SVC-RS for NF-e, SVC-RS and SVC-SP for CT-e. */
export type SvcAuthorizer = 'SVCAN' | 'SVCRS' | 'SVCSP';

export const SVC_RS_UFS: readonly string[] = ['AM', 'BA', 'GO', 'MA', 'MS', 'MT', 'PE', 'PR'];

/** Default SVC for a UF (NF-e only): 'SVCRS' (tpEmis 7) or 'SVCAN' (tpEmis 6). */
export function defaultSvc(uf: string): 'SVCAN' | 'SVCRS' {
  return SVC_RS_UFS.includes(uf) ? 'SVCRS' : 'SVCAN';
}

/** UFs whose CT-e goes to SVC-RS (sped-cte's table, cte.md §4.1); every other UF's goes to SVC-SP. */
export const CTE_SVC_RS_UFS: readonly string[] = ['AP', 'MS', 'MT', 'PE', 'RR', 'SP'];

/** Default SVC for a UF's CT-e: 'SVCRS' (tpEmis 7) or 'SVCSP' (tpEmis 8). */
export function defaultCteSvc(uf: string): 'SVCRS' | 'SVCSP' {
  return CTE_SVC_RS_UFS.includes(uf) ? 'SVCRS' : 'SVCSP';
}

const SVC_TP_EMIS = { SVCAN: '6', SVCRS: '7', SVCSP: '8' } as const;

/** tpEmis of a document authorised by an SVC: 6 SVC-AN, 7 SVC-RS, 8 SVC-SP. */
export function svcTpEmis<S extends SvcAuthorizer>(svc: S): (typeof SVC_TP_EMIS)[S] {
  return SVC_TP_EMIS[svc];
}


const SVC_C_ORGAO = { SVCAN: '91', SVCRS: '43', SVCSP: '35' } as const;

/** cOrgao of an event sent to an SVC: the code of the UF that hosts it (SVC-AN: the Ambiente Nacional, 91). */
export function svcCOrgao(svc: SvcAuthorizer): string {
  return SVC_C_ORGAO[svc];
}
