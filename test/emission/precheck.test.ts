// The same broken documents, through the gateway's pre-check over SOAP and posted straight to the
// simulator: both answer SEFAZ's cStat from the one rule module (src/fiscal/nfe-rules).
import { startHarness, type Harness } from '../support/harness';
import { captureLogs } from '../support/logs';
import { adaptEnvio, readExample } from '../support/samples';
import { validIe } from '../support/fiscal-ids';
import { buildNfe, call, companyCert, DEST_CNPJ, EMIT_CNPJ, enviNFe, sign } from '../simulator/helpers';
import type { IssuedCertificate } from '../../src/signing/testca';

interface Case {
  name: string;
  cStat: string;
  model: 'NFe' | 'NFCe';
  /** The broken field in the InvoiCy layout (after the example is adapted and its placeholders settled). */
  invoicy: (xml: string) => string;
  /** The same field broken in the SEFAZ XML the simulator receives. */
  sefaz: (xml: string) => string;
}

const CASES: Case[] = [
  {
    name: 'emitente IE 9999999999', cStat: '209', model: 'NFe',
    invoicy: (x) => x.replace(/<IE>[^<]*<\/IE>/, '<IE>9999999999</IE>'),
    sefaz: (x) => x.replace(`<IE>${validIe('SP')}</IE>`, '<IE>9999999999</IE>'),
  },
  {
    name: 'destinatário CNPJ 99999999999999', cStat: '208', model: 'NFe',
    invoicy: (x) => x.replace(/<CNPJ_dest>[^<]*</, '<CNPJ_dest>99999999999999<'),
    sefaz: (x) => x.replace(`<dest><CNPJ>${DEST_CNPJ}</CNPJ>`, '<dest><CNPJ>99999999999999</CNPJ>'),
  },
  {
    name: 'destinatário IE 1234567891', cStat: '210', model: 'NFe',
    invoicy: (x) => x.replace(/<IE_dest>[^<]*</, '<IE_dest>1234567891<'),
    sefaz: (x) => x.replace('<IE>112006603110</IE>', '<IE>1234567891</IE>'),
  },
  {
    name: 'cMunFG in AM', cStat: '271', model: 'NFe',
    invoicy: (x) => x.replace(/<cMunFg>[^<]*</, '<cMunFg>1302603<'),
    sefaz: (x) => x.replace(/<cMunFG>[^<]*</, '<cMunFG>1302603<'),
  },
  {
    name: 'autXML CNPJ 99999999999999', cStat: '323', model: 'NFe',
    invoicy: (x) => x.replace('</dest>', '</dest><autXML><autXMLItem><CNPJ_aut>99999999999999</CNPJ_aut></autXMLItem></autXML>'),
    sefaz: (x) => x.replace('</dest>', '</dest><autXML><CNPJ>99999999999999</CNPJ></autXML>'),
  },
  {
    name: 'transportador CNPJ 11111111111111', cStat: '542', model: 'NFe',
    invoicy: (x) => x.replace('<modFrete>1</modFrete>', '<modFrete>1</modFrete><transporta><CNPJ_transp>11111111111111</CNPJ_transp></transporta>'),
    sefaz: (x) => x.replace(/<modFrete>(\d)<\/modFrete>/, '<modFrete>$1</modFrete><transporta><CNPJ>11111111111111</CNPJ></transporta>'),
  },
  {
    name: 'NFC-e paying 9.00 of its total', cStat: '865', model: 'NFCe',
    invoicy: (x) => x.replace(/<vPag>[^<]*</, '<vPag>9.00<'),
    sefaz: (x) => x.replace(/<vPag>[^<]*</, '<vPag>9.00<'),
  },
];

let h: Harness;
let logs: ReturnType<typeof captureLogs>;
let cert: IssuedCertificate;
let nextNumber = 3000;

beforeAll(async () => {
  h = await startHarness();
  logs = captureLogs();
  cert = companyCert(h.sim.ca, EMIT_CNPJ);
}, 60_000);
afterAll(async () => {
  logs?.detach();
  await h?.close();
});

function example(model: 'NFe' | 'NFCe', nNF: number): string {
  return model === 'NFe'
    ? adaptEnvio(readExample('NFe', 'Exemplo_NFe Simples 4.0.xml'), { cnpj: h.main.cnpj, nNF, serie: 7 })
    : adaptEnvio(readExample('NFCe', 'Exemplo_NFCe_Simples.xml'), { cnpj: h.main.cnpj, nNF, serie: 7 });
}

async function simulatorCStat(c: Case): Promise<string | undefined> {
  const built = buildNfe({ nNF: nextNumber++, mod: c.model === 'NFe' ? '55' : '65' });
  const signed = await sign(c.sefaz(built.xml), 'infNFe', cert);
  const r = await call(h.sim.httpsUrl, h.sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([signed], '1'), { cert });
  return r.cStats[1];
}

test.each(CASES.map((c) => [c.name, c] as const))('%s: the gateway answers it unsent, the simulator alike', async (_n, c) => {
  const nNF = nextNumber++;
  const reply = await h.call([c.invoicy(example(c.model, nNF))]);
  const doc = reply.documentos[0]!;
  expect(doc.Situacao).toEqual({ SitCodigo: c.cStat, SitDescricao: expect.stringMatching(/^Rejeição: /) });
  expect(doc.DocProtocolo ?? '').toBe('');
  const lines = logs.lines.filter((l) => l.cnpj === h.main.cnpj && l.numero === String(nNF)).map((l) => l.message);
  expect(lines.some((m) => m.includes(`no pré-teste do gateway (regra da SEFAZ ${c.cStat}), sem envio`))).toBe(true);
  expect(lines.some((m) => /enviad/.test(m))).toBe(false);
  expect(await simulatorCStat(c)).toBe(c.cStat);

  // As after a SEFAZ rejection, the number is the ERP's to send again, corrected.
  const fixed = (await h.call([example(c.model, nNF)])).documentos[0]!;
  expect(fixed.Situacao).toEqual({ SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) });
});

test('the unbroken documents are authorised by both', async () => {
  for (const c of CASES) {
    const built = buildNfe({ nNF: nextNumber++, mod: c.model === 'NFe' ? '55' : '65' });
    const r = await call(h.sim.httpsUrl, h.sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(built.xml, 'infNFe', cert)], '1'), { cert });
    // An NFC-e whose CSC the simulator does not know stops at the QR check, after every document rule.
    expect(r.cStats[1]).toBe(c.model === 'NFe' ? '100' : '462');
  }
});
