// The base URL of infCTeSupl/qrCodCTe (cte.md §10; MOC CT-e 4.00 §9.2) per CT-e authorizer and
// environment. Source: the `QRCode` rows of nfephp-org/sped-cte storage/wscte_4.00_mod57.xml (commit
// 8c5742713b39fc7a7394871050c32c5acddfb116), the same list the endpoint table was generated from.
// The SVCs have no row there: SVC-RS is served by the SVRS hosts and SVC-SP by SP's, as their web
// services are (scripts/generate-cte-endpoints.js).
import type { TpAmb } from './endpoints';

const SVRS = 'https://dfe-portal.svrs.rs.gov.br/cte/qrCode';
const SP = { '1': 'https://nfe.fazenda.sp.gov.br/CTeConsulta/qrCode', '2': 'https://homologacao.nfe.fazenda.sp.gov.br/CTeConsulta/qrCode' } as const;

const CTE_QR_URLS: Readonly<Record<string, Readonly<Record<TpAmb, string>>>> = {
  MG: { '1': 'https://cte.fazenda.mg.gov.br/portalcte/sistema/qrcode.xhtml', '2': 'https://cte.fazenda.mg.gov.br/portalcte/sistema/qrcode.xhtml' },
  MS: { '1': 'http://www.dfe.ms.gov.br/cte/qrcode', '2': 'http://www.dfe.ms.gov.br/cte/qrcode' },
  MT: { '1': 'https://www.sefaz.mt.gov.br/cte/qrcode', '2': 'https://homologacao.sefaz.mt.gov.br/cte/qrcode' },
  PR: { '1': 'http://www.fazenda.pr.gov.br/cte/qrcode', '2': 'http://www.fazenda.pr.gov.br/cte/qrcode' },
  RS: { '1': SVRS, '2': SVRS },
  SP,
  SVRS: { '1': SVRS, '2': SVRS },
  SVSP: SP,
  SVCRS: { '1': SVRS, '2': SVRS },
  SVCSP: SP,
};

/** The QR code base URL of a CT-e authorizer (cteAuthorizerFor), or undefined when the table has none. */
export function cteQrCodeBaseUrl(authorizer: string, tpAmb: TpAmb): string | undefined {
  return CTE_QR_URLS[authorizer]?.[tpAmb];
}
