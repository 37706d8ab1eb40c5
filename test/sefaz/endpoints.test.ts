import {
  authorizerFor,
  createEndpointResolver,
  qrCodeBaseUrl,
  resolveEndpoint,
  urlChaveConsulta,
  type EndpointQuery,
} from '../../src/sefaz/endpoints';
import type { DocModel } from '../../src/fiscal/document-state';

const NS = 'http://www.portalfiscal.inf.br/nfe/wsdl/';

describe('authorizerFor', () => {
  it.each<[string, DocModel, string, 'document' | 'epec' | undefined, string]>([
    ['SP', '55', '1', undefined, 'SP'],
    ['BA', '65', '1', undefined, 'SVRS'],
    ['BA', '55', '1', undefined, 'BA'],
    ['MA', '55', '1', undefined, 'SVAN'],
    ['MA', '65', '9', undefined, 'SVRS'],
    ['CE', '55', '1', undefined, 'SVRS'],
    ['SP', '55', '6', undefined, 'SVCAN'],
    ['PR', '55', '7', undefined, 'SVCRS'],
    ['SP', '55', '4', undefined, 'SP'],
    ['SP', '55', '4', 'epec', 'AN'],
  ])('%s mod %s tpEmis %s (%s) → %s', (uf, model, tpEmis, purpose, expected) => {
    expect(authorizerFor(uf, model, tpEmis, purpose)).toBe(expected);
  });

  it.each([
    ['RS', '1', 'RS'], ['SC', '1', 'SVRS'], ['PE', '1', 'SVSP'], ['SP', '7', 'SVCRS'], ['RS', '8', 'SVCSP'], ['RS', '4', 'RS'],
  ])('a CT-e of %s with tpEmis %s (its events included) → %s', (uf, tpEmis, expected) => {
    expect(authorizerFor(uf, '57', tpEmis)).toBe(expected);
  });

  it('refuses SVC for NFC-e', () => {
    expect(() => authorizerFor('SP', '65', '6')).toThrow(/SVC/);
  });
});

describe('resolveEndpoint (real)', () => {
  it.each<[EndpointQuery, string, string]>([
    [
      { model: '55', authorizer: 'SP', tpAmb: '2', service: 'NfeAutorizacao' },
      'https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeautorizacao4.asmx',
      'NFeAutorizacao4/nfeAutorizacaoLote',
    ],
    [
      { model: '65', authorizer: 'SVRS', tpAmb: '2', service: 'NfeAutorizacao' },
      'https://nfce-homologacao.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
      'NFeAutorizacao4/nfeAutorizacaoLote',
    ],
    [
      { model: '55', authorizer: 'SVAN', tpAmb: '1', service: 'NfeAutorizacao' },
      'https://www.sefazvirtual.fazenda.gov.br/NFeAutorizacao4/NFeAutorizacao4.asmx',
      'NFeAutorizacao4/nfeAutorizacaoLote',
    ],
    [
      { model: '55', authorizer: 'AN', tpAmb: '1', service: 'RecepcaoEvento' },
      'https://www.nfe.fazenda.gov.br/NFeRecepcaoEvento4/NFeRecepcaoEvento4.asmx',
      'NFeRecepcaoEvento4/nfeRecepcaoEvento',
    ],
    [
      { model: '55', authorizer: 'SVRS', tpAmb: '1', service: 'NfeStatusServico' },
      'https://nfe.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx',
      'NFeStatusServico4/nfeStatusServicoNF',
    ],
    // PR publishes a different method name for ret-autorização in production
    [
      { model: '55', authorizer: 'PR', tpAmb: '1', service: 'NfeRetAutorizacao' },
      'https://nfe.sefa.pr.gov.br/nfe/NFeRetAutorizacao4',
      'NFeRetAutorizacao4/nfeRetAutorizacao',
    ],
    // GO NFC-e lists the event operation without "4"; the namespace uses the canonical one
    [
      { model: '65', authorizer: 'GO', tpAmb: '2', service: 'RecepcaoEvento' },
      'https://homolog.sefaz.go.gov.br/nfe/services/NFeRecepcaoEvento4',
      'NFeRecepcaoEvento4/nfeRecepcaoEvento',
    ],
    [
      { model: '55', authorizer: 'SVCRS', tpAmb: '1', service: 'NfeAutorizacao' },
      'https://nfe.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx',
      'NFeAutorizacao4/nfeAutorizacaoLote',
    ],
  ])('%j', (q, url, action) => {
    const e = resolveEndpoint(q);
    expect(e.url).toBe(url);
    expect(e.soapAction).toBe(NS + action);
    expect(e.namespace).toBe(NS + action.split('/')[0]);
    expect(e.operation).toBe(action.split('/')[0]);
  });

  it('reports the data version (events 1.00)', () => {
    expect(resolveEndpoint({ model: '55', authorizer: 'SP', tpAmb: '1', service: 'RecepcaoEvento' }).version).toBe('1.00');
    expect(resolveEndpoint({ model: '55', authorizer: 'SP', tpAmb: '1', service: 'NfeInutilizacao' }).version).toBe('4.00');
  });

  it('BA NFC-e has no own web service', () => {
    expect(() => resolveEndpoint({ model: '65', authorizer: 'BA', tpAmb: '2', service: 'NfeAutorizacao' })).toThrow(/não disponível/);
  });

  it('AN offers no autorização', () => {
    expect(() => resolveEndpoint({ model: '55', authorizer: 'AN', tpAmb: '1', service: 'NfeAutorizacao' })).toThrow(/NfeAutorizacao/);
  });
});

describe('simulator resolver', () => {
  const sim = createEndpointResolver({ mode: 'simulator', baseUrl: 'https://127.0.0.1:8443/' });

  it.each<[EndpointQuery, string]>([
    [{ model: '55', authorizer: 'SP', tpAmb: '2', service: 'NfeAutorizacao' }, 'https://127.0.0.1:8443/SP/NFeAutorizacao4'],
    [{ model: '55', authorizer: 'SP', tpAmb: '1', service: 'NfeAutorizacao' }, 'https://127.0.0.1:8443/producao/SP/NFeAutorizacao4'],
    [{ model: '65', authorizer: 'SVRS', tpAmb: '2', service: 'NfeRetAutorizacao' }, 'https://127.0.0.1:8443/SVRS/NFeRetAutorizacao4'],
    [{ model: '55', authorizer: 'SVCAN', tpAmb: '1', service: 'NfeConsultaProtocolo' }, 'https://127.0.0.1:8443/producao/SVCAN/NFeConsultaProtocolo4'],
    [{ model: '55', authorizer: 'MG', tpAmb: '2', service: 'NfeStatusServico' }, 'https://127.0.0.1:8443/MG/NFeStatusServico4'],
    [{ model: '55', authorizer: 'SVAN', tpAmb: '2', service: 'NfeInutilizacao' }, 'https://127.0.0.1:8443/SVAN/NFeInutilizacao4'],
    [{ model: '55', authorizer: 'AN', tpAmb: '2', service: 'RecepcaoEvento' }, 'https://127.0.0.1:8443/AN/NFeRecepcaoEvento4'],
  ])('%j → %s', (q, url) => {
    const e = sim.resolve(q);
    expect(e.url).toBe(url);
    // operation, namespace and action stay those of the real SEFAZ
    const real = resolveEndpoint(q);
    expect({ ...e, url: real.url }).toEqual(real);
  });

  it('real mode resolves the published URL', () => {
    expect(createEndpointResolver({ mode: 'real' }).resolve({ model: '55', authorizer: authorizerFor('MA', '55', '1'), tpAmb: '2', service: 'NfeStatusServico' }).url).toBe(
      'https://hom.sefazvirtual.fazenda.gov.br/NFeStatusServico4/NFeStatusServico4.asmx',
    );
  });
});

describe('NFC-e URLs', () => {
  it.each([
    ['SP', '1', 'https://www.nfce.fazenda.sp.gov.br/qrcode'],
    ['SP', '2', 'https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode'],
    ['BA', '2', 'http://hnfe.sefaz.ba.gov.br/servicos/nfce/qrcode.aspx'],
    ['RS', '1', 'https://www.sefaz.rs.gov.br/NFCE/NFCE-COM.aspx'],
  ] as const)('QR base %s tpAmb %s', (uf, tpAmb, url) => {
    expect(qrCodeBaseUrl(uf, tpAmb)).toBe(url);
  });

  it.each([
    ['SP', '1', 'https://www.nfce.fazenda.sp.gov.br/NFCeConsultaPublica'],
    ['SP', '2', 'https://www.homologacao.nfce.fazenda.sp.gov.br/NFCeConsultaPublica'],
    ['PR', '1', 'http://www.fazenda.pr.gov.br/nfce/consulta'],
  ] as const)('urlChave %s tpAmb %s', (uf, tpAmb, url) => {
    expect(urlChaveConsulta(uf, tpAmb)).toBe(url);
  });

  it('every UF has a QR base URL and a urlChave in both environments', () => {
    const ufs = ['AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO'];
    for (const uf of ufs) {
      for (const tpAmb of ['1', '2'] as const) {
        expect([uf, tpAmb, qrCodeBaseUrl(uf, tpAmb)]).toEqual([uf, tpAmb, expect.stringMatching(/^https?:\/\//)]);
        // urlChave must fit the XSD's 21..85 characters
        expect([uf, tpAmb, urlChaveConsulta(uf, tpAmb)]).toEqual([uf, tpAmb, expect.stringMatching(/^.{21,85}$/)]);
      }
    }
  });
});
