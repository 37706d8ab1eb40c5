// Model 57 endpoints (cte.md §2.3, §4.1): every UF in both environments resolves the four CT-e 4.00
// services at its authorizer, SVC-RS/SVC-SP at the SVRS/SP hosts, and simulator mode keeps operation,
// namespace and action while pointing at the simulator.
import { cteAuthorizerFor, createEndpointResolver, resolveEndpoint, type EndpointQuery, type TpAmb } from '../../src/sefaz/endpoints';
import type { CteService } from '../../src/sefaz/services/cte';

const NS = 'http://www.portalfiscal.inf.br/cte/wsdl/';
const UFS = ['AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO'];
const OWN = ['MG', 'MS', 'MT', 'PR', 'RS', 'SP'];
const SVSP = ['AP', 'PE', 'RR'];
const SERVICES: [CteService, string, string][] = [
  ['CteRecepcaoSinc', 'CTeRecepcaoSincV4', 'cteRecepcao'],
  ['CteConsulta', 'CTeConsultaV4', 'cteConsultaCT'],
  ['CteStatusServico', 'CTeStatusServicoV4', 'cteStatusServicoCT'],
  ['CteRecepcaoEvento', 'CTeRecepcaoEventoV4', 'cteRecepcaoEvento'],
];

describe('cteAuthorizerFor', () => {
  it.each(UFS)('%s: its authorizer for tpEmis 1 and 4, SVC-RS for 7, SVC-SP for 8, the UF\'s SVC for the EPEC', (uf) => {
    const own = OWN.includes(uf) ? uf : SVSP.includes(uf) ? 'SVSP' : 'SVRS';
    expect(cteAuthorizerFor(uf, '1')).toBe(own);
    expect(cteAuthorizerFor(uf, 4)).toBe(own);
    expect(cteAuthorizerFor(uf, '7')).toBe('SVCRS');
    expect(cteAuthorizerFor(uf, '8')).toBe('SVCSP');
    expect(cteAuthorizerFor(uf, '4', 'epec')).toBe(['AP', 'MS', 'MT', 'PE', 'RR', 'SP'].includes(uf) ? 'SVCRS' : 'SVCSP');
  });
});

describe('resolveEndpoint for model 57', () => {
  const cases = UFS.flatMap((uf) => (['1', '2'] as TpAmb[]).flatMap((tpAmb) => SERVICES.map(([service, operation, method]) => [uf, tpAmb, service, operation, method] as const)));

  it.each(cases)('%s tpAmb %s %s → %s', (uf, tpAmb, service, operation, method) => {
    const e = resolveEndpoint({ model: '57', authorizer: cteAuthorizerFor(uf, '1'), tpAmb, service });
    expect(e.url).toMatch(/^https:\/\//);
    expect(e.operation).toBe(operation);
    expect(e.namespace).toBe(NS + operation);
    expect(e.soapAction).toBe(`${NS}${operation}/${method}`);
    expect(e.version).toBe('4.00');
    expect(e.service.request.encoding).toBe(service === 'CteRecepcaoSinc' ? 'gzip-base64' : 'xml');
  });

  it.each<[EndpointQuery, string]>([
    [{ model: '57', authorizer: 'MT', tpAmb: '2', service: 'CteRecepcaoSinc' }, 'https://homologacao.sefaz.mt.gov.br/ctews2/services/CTeRecepcaoSincV4'],
    [{ model: '57', authorizer: 'SP', tpAmb: '1', service: 'CteConsulta' }, 'https://nfe.fazenda.sp.gov.br/CTeWS/WS/CTeConsultaV4.asmx'],
    [{ model: '57', authorizer: 'SVRS', tpAmb: '2', service: 'CteRecepcaoEvento' }, 'https://cte-homologacao.svrs.rs.gov.br/ws/CTeRecepcaoEventoV4/CTeRecepcaoEventoV4.asmx'],
    [{ model: '57', authorizer: 'SVSP', tpAmb: '1', service: 'CteStatusServico' }, 'https://nfe.fazenda.sp.gov.br/CTeWS/WS/CTeStatusServicoV4.asmx'],
    [{ model: '57', authorizer: 'SVCRS', tpAmb: '1', service: 'CteRecepcaoSinc' }, 'https://cte.svrs.rs.gov.br/ws/CTeRecepcaoSincV4/CTeRecepcaoSincV4.asmx'],
    [{ model: '57', authorizer: 'SVCSP', tpAmb: '2', service: 'CteRecepcaoEvento' }, 'https://homologacao.nfe.fazenda.sp.gov.br/CTeWS/WS/CTeRecepcaoEventoV4.asmx'],
  ])('%j → %s', (q, url) => {
    expect(resolveEndpoint(q).url).toBe(url);
  });

  it('no CT-e service at an NF-e-only authorizer, no NF-e service in the CT-e table', () => {
    expect(() => resolveEndpoint({ model: '57', authorizer: 'BA', tpAmb: '2', service: 'CteStatusServico' })).toThrow(/não disponível/);
    expect(() => resolveEndpoint({ model: '57', authorizer: 'MT', tpAmb: '2', service: 'NfeStatusServico' })).toThrow(/não disponível/);
  });

  it('simulator mode: same operation, namespace and action at ${base}/${authorizer}/${operation}', () => {
    const sim = createEndpointResolver({ mode: 'simulator', baseUrl: 'https://127.0.0.1:8443' });
    for (const [q, url] of [
      [{ model: '57', authorizer: 'SVSP', tpAmb: '2', service: 'CteRecepcaoSinc' }, 'https://127.0.0.1:8443/SVSP/CTeRecepcaoSincV4'],
      [{ model: '57', authorizer: 'SVCSP', tpAmb: '1', service: 'CteConsulta' }, 'https://127.0.0.1:8443/producao/SVCSP/CTeConsultaV4'],
    ] as [EndpointQuery, string][]) {
      const e = sim.resolve(q);
      expect(e.url).toBe(url);
      expect({ ...e, url: resolveEndpoint(q).url }).toEqual(resolveEndpoint(q));
    }
  });
});
