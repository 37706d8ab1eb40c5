// CTeRecepcaoEventoV4 at the simulator through the gateway's client over HTTPS/mTLS: each event of the
// catalogue accepted (135/136) and listed by consulta, and one refusal per rule the simulator applies.
import * as path from 'node:path';
import { formatDateTime } from '../../src/fiscal/datetime';
import type { SefazClient } from '../../src/sefaz/client';
import {
  detCancCECTe, detCancCTe, detCancPrestDesacordo, detCCeCTe, detCECTe, detEPECCTe, detPrestDesacordo, eventoCTe,
} from '../../src/sefaz/cte-messages';
import { procEventoCTe } from '../../src/sefaz/proc';
import type { SefazCredentials, SefazTransport } from '../../src/sefaz/transport';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { signXml } from '../../src/signing/xmldsig';
import type { IssuedCertificate } from '../../src/signing/testca';
import { loadXsdValidator } from '../../src/xml/xsd';
import { companyCert, SCHEMAS_DIR } from './helpers';
import {
  buildCte, credentialsOf, cteClient, CTE_EMIT_CNPJ, CTE_TOMA_CNPJ, NFE_KEY, signCte, signedCteEvent, type CteEventParams, type CteParams,
} from './cte-fixture';

let sim: RunningSimulator;
let cert: IssuedCertificate;
let tomaCert: IssuedCertificate;
let client: SefazClient;
let transport: SefazTransport;
let creds: SefazCredentials;
let tomaCreds: SefazCredentials;
let nextNumber = 500;
let clockOffsetMs = 0;
const num = () => nextNumber++;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MT = { uf: 'MT', tpAmb: '2' as const };
const EVENT_REJECTIONS = 2;

beforeAll(async () => {
  sim = await startSimulator({ schemasDir: SCHEMAS_DIR, now: () => new Date(Date.now() + clockOffsetMs), cteConsumo: { eventRejections: EVENT_REJECTIONS } });
  cert = companyCert(sim.ca, CTE_EMIT_CNPJ);
  tomaCert = companyCert(sim.ca, CTE_TOMA_CNPJ);
  ({ client, transport, creds } = cteClient(sim, cert));
  tomaCreds = credentialsOf(tomaCert);
});
afterAll(async () => {
  transport.close();
  await sim.close();
});
afterEach(() => {
  clockOffsetMs = 0;
});

async function authorised(p: Partial<CteParams> = {}, target: { uf: string; tpAmb: '2'; authorizer?: string } = MT) {
  const cte = buildCte({ nCT: num(), ...p });
  const signed = await signCte(cte.xml, cert);
  const r = await client.cteRecepcao(target, creds, signed);
  expect(r.cStat).toBe('100');
  return { ...cte, signed, nProt: r.prot!.nProt! };
}

/** Sends one event signed by the emitter (or the given certificate) and returns SEFAZ's answer. */
async function send(p: CteEventParams, o: { cert?: IssuedCertificate; creds?: SefazCredentials; authorizer?: string } = {}) {
  const signed = await signedCteEvent(p, o.cert ?? cert);
  const ret = await client.cteRecepcaoEvento({ ...MT, authorizer: o.authorizer }, o.creds ?? creds, signed);
  return { ...ret, signed };
}

const cancelDet = (nProt: string) => detCancCTe({ nProt, xJust: 'Cancelamento solicitado pelo cliente' });
const ceDet = (nProt: string, chNFe: readonly string[] = [NFE_KEY], at: { dhEntrega?: Date; dhHashEntrega?: Date } = {}) => detCECTe({
  nProt, dhEntrega: formatDateTime(at.dhEntrega ?? new Date(Date.now() - 60_000), '-04:00'), nDoc: '12345678901', xNome: 'RECEBEDOR TESTE',
  latitude: '-27.868824', longitude: '-53.985100', hashEntrega: 'O2qBnkIm/76ef1ryiobcj30sMkE=',
  dhHashEntrega: formatDateTime(at.dhHashEntrega ?? new Date(Date.now() - 60_000), '-04:00'), chNFe,
});
const desacordoDet = detPrestDesacordo({ xObs: 'Mercadoria entregue em local diferente do contratado' });

describe('110111 cancelamento', () => {
  it('135; consulta then answers 101 with the procEventoCTe, which validates against procEventoCTe_v4.00.xsd; the same event again is 631', async () => {
    const cte = await authorised();
    const r = await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet(cte.nProt) });
    expect(r).toMatchObject({ cStat: '135', tpEvento: '110111', nSeqEvento: '1', chCTe: cte.chave });
    expect(r.nProt).toMatch(/^151\d{12}$/);
    const proc = procEventoCTe(r.signed, r.raw);
    const validator = await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', 'procEventoCTe_v4.00.xsd'));
    expect(validator.validate(proc)).toEqual({ ok: true });
    const c = await client.cteConsulta(MT, creds, cte.chave);
    expect(c.cStat).toBe('101');
    expect(c.eventos).toHaveLength(1);
    expect(c.eventos[0]!.retEvento).toMatchObject({ cStat: '135', nProt: r.nProt, tpEvento: '110111' });
    const again = await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet(cte.nProt) });
    expect(again.cStat).toBe('631');
    expect(again.xMotivo).toContain(`[nProt:${r.nProt}]`);
  });

  it('222 for another protocol, 636 for a sequence other than 1, 220 past 168 h, 217 for a CT-e SEFAZ never saw', async () => {
    const cte = await authorised();
    expect((await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet('151000000000001') })).cStat).toBe('222');
    expect((await send({ chave: cte.chave, tpEvento: '110111', nSeq: 2, det: cancelDet(cte.nProt) })).cStat).toBe('636');
    clockOffsetMs = 169 * HOUR;
    expect((await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet(cte.nProt), dhEvento: new Date(Date.now() + clockOffsetMs) })).cStat).toBe('220');
    clockOffsetMs = 0;
    const unknown = buildCte({ nCT: num() }).chave;
    expect((await send({ chave: unknown, tpEvento: '110111', det: cancelDet('151000000000001') })).cStat).toBe('217');
  });

  it('862 while an authorised comprovante de entrega exists; after 110181 cancels it, the CT-e can be cancelled', async () => {
    const cte = await authorised();
    const ce = await send({ chave: cte.chave, tpEvento: '110180', det: ceDet(cte.nProt) });
    expect(ce.cStat).toBe('135');
    expect((await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet(cte.nProt) })).cStat).toBe('862');
    const cancelCe = await send({ chave: cte.chave, tpEvento: '110181', det: detCancCECTe({ nProt: cte.nProt, nProtCE: ce.nProt! }) });
    expect(cancelCe.cStat).toBe('135');
    expect((await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet(cte.nProt) })).cStat).toBe('135');
  });

  it('523 once a CC-e exists', async () => {
    const cte = await authorised();
    expect((await send({ chave: cte.chave, tpEvento: '110110', det: detCCeCTe([{ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Nova observacao' }]) })).cStat).toBe('135');
    expect((await send({ chave: cte.chave, tpEvento: '110111', det: cancelDet(cte.nProt) })).cStat).toBe('523');
  });
});

describe('110110 carta de correção', () => {
  it('135 for sequence 1 and 2 (each repeating the corrections), 681 for a field a CC-e may not change, 636 past 20', async () => {
    const cte = await authorised();
    const first = [{ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Observacao corrigida' }];
    expect((await send({ chave: cte.chave, tpEvento: '110110', det: detCCeCTe(first) })).cStat).toBe('135');
    const second = [...first, { grupoAlterado: 'infQ', campoAlterado: 'tpMed', valorAlterado: 'CAIXA', nroItemAlterado: '1' }];
    expect((await send({ chave: cte.chave, tpEvento: '110110', nSeq: 2, det: detCCeCTe(second) })).cStat).toBe('135');
    const forbidden = await send({ chave: cte.chave, tpEvento: '110110', nSeq: 3, det: detCCeCTe([{ grupoAlterado: 'vPrest', campoAlterado: 'vTPrest', valorAlterado: '1.00' }]) });
    expect(forbidden.cStat).toBe('681');
    expect(forbidden.xMotivo).toContain('vPrest/vTPrest');
    expect((await send({ chave: cte.chave, tpEvento: '110110', nSeq: 21, det: detCCeCTe(first) })).cStat).toBe('636');
    expect((await client.cteConsulta(MT, creds, cte.chave)).eventos.map((e) => e.retEvento.nSeqEvento)).toEqual(['1', '2']);
  });
});

describe('110180 / 110181 comprovante de entrega', () => {
  it('135; a second active one 870; 864 for an NF-e the CT-e does not carry; 222 for another protocol', async () => {
    const cte = await authorised();
    expect((await send({ chave: cte.chave, tpEvento: '110180', det: ceDet('151000000000001') })).cStat).toBe('222');
    const foreign = '35240112345678000190550010000000011000000019';
    const wrongNfe = await send({ chave: cte.chave, tpEvento: '110180', det: ceDet(cte.nProt, [foreign]) });
    expect(wrongNfe.cStat).toBe('864');
    expect((await send({ chave: cte.chave, tpEvento: '110180', det: ceDet(cte.nProt) })).cStat).toBe('135');
    expect((await send({ chave: cte.chave, tpEvento: '110180', nSeq: 2, det: ceDet(cte.nProt) })).cStat).toBe('870');
  });

  it('869 for a complemento CT-e (tpCTe 1); 872/873 for a dhEntrega/dhHashEntrega before the emission or in the future', async () => {
    const complemento = await authorised({ tpCTe: '1' });
    expect((await send({ chave: complemento.chave, tpEvento: '110180', det: ceDet(complemento.nProt) })).cStat).toBe('869');
    const cte = await authorised();
    const beforeEmission = new Date(Date.parse(cte.dhEmi) - HOUR);
    const future = new Date(Date.now() + HOUR);
    expect((await send({ chave: cte.chave, tpEvento: '110180', det: ceDet(cte.nProt, [NFE_KEY], { dhEntrega: beforeEmission }) })).cStat).toBe('872');
    expect((await send({ chave: cte.chave, tpEvento: '110180', nSeq: 2, det: ceDet(cte.nProt, [NFE_KEY], { dhEntrega: future }) })).cStat).toBe('872');
    expect((await send({ chave: cte.chave, tpEvento: '110180', nSeq: 3, det: ceDet(cte.nProt, [NFE_KEY], { dhHashEntrega: beforeEmission }) })).cStat).toBe('873');
    expect((await send({ chave: cte.chave, tpEvento: '110180', nSeq: 4, det: ceDet(cte.nProt, [NFE_KEY], { dhHashEntrega: future }) })).cStat).toBe('873');
    expect((await send({ chave: cte.chave, tpEvento: '110180', nSeq: 5, det: ceDet(cte.nProt) })).cStat).toBe('135');
  });

  it('865 for a Normal CT-e with NF-e and no infEntrega; 871 for infEntrega on a CT-e whose tpServ is not Normal', async () => {
    const cte = await authorised();
    expect((await send({ chave: cte.chave, tpEvento: '110180', det: ceDet(cte.nProt, []) })).cStat).toBe('865');
    const sub = buildCte({ nCT: num() });
    const subSigned = await signCte(sub.xml.replace('<tpServ>0</tpServ>', '<tpServ>1</tpServ>'), cert);
    const r = await client.cteRecepcao(MT, creds, subSigned);
    expect(r.cStat).toBe('100');
    expect((await send({ chave: sub.chave, tpEvento: '110180', det: ceDet(r.prot!.nProt!) })).cStat).toBe('871');
    expect((await send({ chave: sub.chave, tpEvento: '110180', nSeq: 2, det: ceDet(r.prot!.nProt!, []) })).cStat).toBe('135');
  });

  it('110181: 866 for a protocol that is not an active comprovante of the CT-e; after the cancel a new comprovante is accepted', async () => {
    const cte = await authorised();
    const ce = await send({ chave: cte.chave, tpEvento: '110180', det: ceDet(cte.nProt) });
    expect((await send({ chave: cte.chave, tpEvento: '110181', det: detCancCECTe({ nProt: cte.nProt, nProtCE: '151000000000001' }) })).cStat).toBe('866');
    expect((await send({ chave: cte.chave, tpEvento: '110181', nSeq: 2, det: detCancCECTe({ nProt: cte.nProt, nProtCE: ce.nProt! }) })).cStat).toBe('135');
    expect((await send({ chave: cte.chave, tpEvento: '110181', nSeq: 3, det: detCancCECTe({ nProt: cte.nProt, nProtCE: ce.nProt! }) })).cStat).toBe('866');
    expect((await send({ chave: cte.chave, tpEvento: '110180', nSeq: 2, det: ceDet(cte.nProt) })).cStat).toBe('135');
  });
});

describe('610110 / 610111 prestação em desacordo (the tomador)', () => {
  it('135 from the tomador; 755 from the emitter; 610111 cancels it, 866 a second time', async () => {
    const cte = await authorised();
    expect((await send({ chave: cte.chave, tpEvento: '610110', det: desacordoDet })).cStat).toBe('755');
    const d = await send({ chave: cte.chave, tpEvento: '610110', author: CTE_TOMA_CNPJ, det: desacordoDet }, { cert: tomaCert, creds: tomaCreds });
    expect(d.cStat).toBe('135');
    const cancelD = { chave: cte.chave, tpEvento: '610111', author: CTE_TOMA_CNPJ, det: detCancPrestDesacordo({ nProtEvPrestDes: d.nProt! }) };
    expect((await send(cancelD, { cert: tomaCert, creds: tomaCreds })).cStat).toBe('135');
    expect((await send({ ...cancelD, nSeq: 2 }, { cert: tomaCert, creds: tomaCreds })).cStat).toBe('866');
  });

  it('787 more than 45 days after the authorisation', async () => {
    const cte = await authorised();
    clockOffsetMs = 46 * DAY;
    const late = await send({ chave: cte.chave, tpEvento: '610110', author: CTE_TOMA_CNPJ, det: desacordoDet, dhEvento: new Date(Date.now() + clockOffsetMs) }, { cert: tomaCert, creds: tomaCreds });
    expect(late.cStat).toBe('787');
  });
});

describe('CT-e de substituição (tpCTe 3, cte.md §7)', () => {
  const desacordoBy = (chave: string) => send({ chave, tpEvento: '610110', author: CTE_TOMA_CNPJ, det: desacordoDet }, { cert: tomaCert, creds: tomaCreds });
  const substitute = async (p: Partial<CteParams>) => client.cteRecepcao(MT, creds, await signCte(buildCte({ nCT: num(), tpCTe: '3', ...p }).xml, cert));

  it('739 before the tomador\'s desacordo, 100 after it; the substituted CT-e then takes no event (664), no cancel (576), no second substitute (570); the substitute no cancel (574)', async () => {
    const old = await authorised();
    expect((await substitute({ sub: old.chave })).cStat).toBe('739');
    expect((await desacordoBy(old.chave)).cStat).toBe('135');
    const sub = buildCte({ nCT: num(), tpCTe: '3', sub: old.chave });
    const r = await client.cteRecepcao(MT, creds, await signCte(sub.xml, cert));
    expect(r.cStat).toBe('100');

    expect((await send({ chave: old.chave, tpEvento: '110110', det: detCCeCTe([{ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Entrega no deposito' }]) })).cStat).toBe('664');
    expect((await send({ chave: old.chave, tpEvento: '110111', det: cancelDet(old.nProt) })).cStat).toBe('576');
    expect((await substitute({ sub: old.chave })).cStat).toBe('570');
    expect((await send({ chave: sub.chave, tpEvento: '110111', det: cancelDet(r.prot!.nProt!) })).cStat).toBe('574');
  });

  it('505 without infCteSub, 847 for a key with a wrong DV, 568 for a CT-e SEFAZ never saw, 569 for a cancelled one', async () => {
    expect((await substitute({})).cStat).toBe('505');
    const unknown = buildCte({ nCT: num() }).chave;
    expect((await substitute({ sub: unknown.slice(0, 43) + String((Number(unknown[43]) + 1) % 10) })).cStat).toBe('847');
    expect((await substitute({ sub: unknown })).cStat).toBe('568');
    const cancelled = await authorised();
    expect((await send({ chave: cancelled.chave, tpEvento: '110111', det: cancelDet(cancelled.nProt) })).cStat).toBe('135');
    expect((await substitute({ sub: cancelled.chave })).cStat).toBe('569');
  });
});

describe('110113 EPEC (only at the SVC)', () => {
  const epecDet = (dhEmi: string) => detEPECCTe({
    xJust: 'Falha de comunicacao com a SEFAZ autorizadora', vICMS: '8608.00', vTPrest: '50635.27', vCarga: '4340300.00',
    toma: { toma: '3', UF: 'MT', CNPJ: CTE_TOMA_CNPJ }, modal: '01', UFIni: 'MT', UFFim: 'MT', dhEmi,
  });

  it('136 at SVC-RS for a tpEmis 4 key whose CT-e does not exist; 653 at the normal authorizer; 680 for a tpEmis 1 key; 638 for a number already authorised', async () => {
    const epecCte = buildCte({ nCT: num(), tpEmis: '4' });
    const atSvc = { chave: epecCte.chave, tpEvento: '110113', cOrgao: '43', det: epecDet(epecCte.dhEmi) };
    const r = await send(atSvc, { authorizer: 'SVCRS' });
    expect(r).toMatchObject({ cStat: '136', xMotivo: 'Evento registrado, mas não vinculado a CT-e' });
    expect(r.nProt).toMatch(/^751/);
    expect((await send({ ...atSvc, cOrgao: '51' })).cStat).toBe('653');
    const normalKey = buildCte({ nCT: num() });
    expect((await send({ ...atSvc, chave: normalKey.chave }, { authorizer: 'SVCRS' })).cStat).toBe('680');
    const done = await authorised();
    const sameNumber = buildCte({ nCT: Number(done.chave.slice(25, 34)), tpEmis: '4' });
    expect((await send({ ...atSvc, chave: sameNumber.chave }, { authorizer: 'SVCRS' })).cStat).toBe('638');
  });

  it('consulta of a key that only has an EPEC answers only its procEventoCTe (no protCTe), at the origin UF and at the SVC', async () => {
    const epecCte = buildCte({ nCT: num(), tpEmis: '4' });
    const r = await send({ chave: epecCte.chave, tpEvento: '110113', cOrgao: '43', det: epecDet(epecCte.dhEmi) }, { authorizer: 'SVCRS' });
    expect(r.cStat).toBe('136');
    for (const authorizer of [undefined, 'SVCRS']) {
      const c = await client.cteConsulta({ ...MT, authorizer }, creds, epecCte.chave);
      expect(c.cStat).toBe('217');
      expect(c.prot).toBeUndefined();
      expect(c.eventos).toHaveLength(1);
      expect(c.eventos[0]!.retEvento).toMatchObject({ cStat: '136', tpEvento: '110113', nProt: r.nProt });
      expect(c.eventos[0]!.raw).toContain(`Id="ID110113${epecCte.chave}001"`);
    }
  });

  it('136 also while the origin UF has the SVC switched off (the SVC refuses the CT-e itself with 114, not the EPEC)', async () => {
    const epecCte = buildCte({ nCT: num(), tpEmis: '4' });
    sim.state.setSvcActive('MT', '2', false);
    try {
      const svcCte = await signCte(buildCte({ nCT: num(), tpEmis: '7' }).xml, cert);
      expect((await client.cteRecepcao({ ...MT, authorizer: 'SVCRS' }, creds, svcCte)).cStat).toBe('114');
      const r = await send({ chave: epecCte.chave, tpEvento: '110113', cOrgao: '43', det: epecDet(epecCte.dhEmi) }, { authorizer: 'SVCRS' });
      expect(r.cStat).toBe('136');
    } finally {
      sim.state.setSvcActive('MT', '2', true);
    }
  });
});

describe('generic validations (cte.md §5.3)', () => {
  it('an NF-e-style Id (two-digit sequence) fails the schema 215, an Id with another sequence 628, 677 for another cOrgao, 629 for an unknown tpEvento, 252 for the wrong environment', async () => {
    const cte = await authorised();
    const unsigned = eventoCTe({
      cOrgao: '51', tpAmb: '2', cnpj: CTE_EMIT_CNPJ, chCTe: cte.chave, dhEvento: formatDateTime(new Date(), '-03:00'),
      tpEvento: '110111', nSeqEvento: 1, detEventoInnerXml: cancelDet(cte.nProt),
    }).replace(`Id="ID110111${cte.chave}001"`, `Id="ID110111${cte.chave}01"`);
    const nfeStyleId = await signXml(unsigned, { tag: 'infEvento', keyPem: cert.keyPem, certPem: cert.certPem });
    const r = await client.cteRecepcaoEvento(MT, creds, nfeStyleId);
    expect(r.cStat).toBe('215'); // ID[0-9]{53}: the schema refuses it before 628 can
    const wrongSeqInId = await signXml(unsigned.replace(`Id="ID110111${cte.chave}01"`, `Id="ID110111${cte.chave}002"`), { tag: 'infEvento', keyPem: cert.keyPem, certPem: cert.certPem });
    expect((await client.cteRecepcaoEvento(MT, creds, wrongSeqInId)).cStat).toBe('628');
    expect((await send({ chave: cte.chave, tpEvento: '110111', cOrgao: '43', det: cancelDet(cte.nProt) })).cStat).toBe('677');
    expect((await send({ chave: cte.chave, tpEvento: '110160', det: cancelDet(cte.nProt) })).cStat).toBe('629');
    expect((await send({ chave: cte.chave, tpEvento: '110111', tpAmb: '1', det: cancelDet(cte.nProt) })).cStat).toBe('252');
  });

  it('530 for a CC-e at the SVC, 632 for an emitter event by another CNPJ, 630 for a detEvento outside its schema', async () => {
    const cte = await authorised({ tpEmis: '7' }, { ...MT, authorizer: 'SVCRS' });
    const cce = detCCeCTe([{ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Nova observacao' }]);
    expect((await send({ chave: cte.chave, tpEvento: '110110', cOrgao: '43', det: cce }, { authorizer: 'SVCRS' })).cStat).toBe('530');
    const normal = await authorised();
    expect((await send({ chave: normal.chave, tpEvento: '110111', author: CTE_TOMA_CNPJ, det: cancelDet(normal.nProt) }, { cert: tomaCert, creds: tomaCreds })).cStat).toBe('632');
    const shortJust = detCancCTe({ nProt: normal.nProt, xJust: 'curta' });
    expect((await send({ chave: normal.chave, tpEvento: '110111', det: shortJust })).cStat).toBe('630');
  });

  it('the SVC cancels what it authorised itself (135), and a refusal repeated past the CI03 threshold becomes 678', async () => {
    const cte = await authorised({ tpEmis: '7' }, { ...MT, authorizer: 'SVCRS' });
    const wrong = { chave: cte.chave, tpEvento: '110111', cOrgao: '43', det: cancelDet('751000000000001') };
    for (let i = 0; i < EVENT_REJECTIONS; i++) expect((await send(wrong, { authorizer: 'SVCRS' })).cStat).toBe('222');
    expect((await send(wrong, { authorizer: 'SVCRS' })).cStat).toBe('678');
    expect((await send({ ...wrong, det: cancelDet(cte.nProt) }, { authorizer: 'SVCRS' })).cStat).toBe('135');
  });
});
