// One behavioural contract for every Store adapter; sqlite.test.ts and mssql.test.ts run it.
import crypto from 'node:crypto';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import {
  RECEIVED_SERIE, SecretBox, SecretError, StoreError,
  type Company, type DocumentRecord, type DocumentXml, type NewDfeDocument, type Store,
} from '../../src/store';

export const TEST_MASTER_KEY = 'chave-mestra-de-teste-0123456789';

export interface StoreHarness {
  /** Opens the store under test; for durable harnesses every call opens the SAME database. */
  open(secrets: SecretBox): Promise<Store>;
  cleanup?(): Promise<void>;
}

export interface ContractOptions {
  /** True when data survives close() + open() (enables the durability tests). */
  durable: boolean;
  makeHarness(): StoreHarness;
}

function randomCnpj(): string {
  return withCnpjCheckDigits(Array.from(crypto.randomBytes(12), (b) => String(b % 10)).join(''));
}

export function runStoreContract(name: string, { durable, makeHarness }: ContractOptions): void {
  const itDurable = durable ? it : it.skip;
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;
    const box = new SecretBox(TEST_MASTER_KEY);

    beforeEach(async () => {
      harness = makeHarness();
      store = await harness.open(box);
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup?.();
    });

    async function partnerWithCompany(env: 'homologacao' | 'producao' = 'homologacao', uf = 'SP') {
      const { partner, partnerKey } = await store.createPartner(`Parceiro ${crypto.randomUUID()}`);
      const { company, accessKey } = await store.createCompany({ partnerId: partner.id, cnpj: randomCnpj(), uf, name: 'Empresa Teste', environment: env });
      return { partner, partnerKey, company, accessKey };
    }

    function newDoc(numero: number, extra: Partial<DocumentRecord & DocumentXml> = {}) {
      return { tpAmb: '2' as const, model: '55' as const, serie: 1, numero, ...extra };
    }

    describe('partners and companies', () => {
      it('creates a partner whose key is returned once and found by its lookup hash', async () => {
        const { partner, partnerKey, accessKey } = await store.createPartner('Software House Ltda');
        expect(partnerKey).toMatch(/^[A-Za-z0-9_-]{22}==$/);
        expect(accessKey).toMatch(/^[0-9a-f]{32}$/);
        expect((await store.findPartnerByKey(partnerKey))?.id).toBe(partner.id);
        const altered = (partnerKey[0] === 'A' ? 'B' : 'A') + partnerKey.slice(1);
        expect(await store.findPartnerByKey(altered)).toBeUndefined();
        expect(await store.getPartnerAccessKey(partner.id)).toBe(accessKey);
        expect(JSON.stringify(await store.listPartners())).not.toContain(partnerKey);
      });

      it('creates a company, returns its access key only through the dedicated getter', async () => {
        const { partner, company, accessKey } = await partnerWithCompany();
        expect(accessKey).toMatch(/^[0-9a-f]{32}$/);
        expect(await store.getCompanyAccessKey(company.id)).toBe(accessKey);
        const found = await store.findCompanyForPartner(partner.id, company.cnpj, 'homologacao');
        expect(found).toMatchObject<Partial<Company>>({ id: company.id, uf: 'SP', enabled: true, hasCsc: false, environment: 'homologacao' });
        expect(await store.findCompanyForPartner(partner.id, company.cnpj, 'producao')).toBeUndefined();
        const listed = await store.listCompanies(partner.id);
        expect(listed.map((c) => c.id)).toEqual([company.id]);
        expect(JSON.stringify([found, listed, await store.getCompany(company.id)])).not.toContain(accessKey);
      });

      it('accepts an alphanumeric CNPJ and normalises punctuation', async () => {
        const { partner } = await store.createPartner('P');
        const alnum = withCnpjCheckDigits(`12ABC${String(crypto.randomInt(1e6, 1e7))}`);
        const { company } = await store.createCompany({ partnerId: partner.id, cnpj: alnum.toLowerCase(), uf: 'RS', name: 'Alfa', environment: 'producao' });
        expect(company.cnpj).toBe(alnum);
        expect((await store.findCompanyForPartner(partner.id, alnum, 'producao'))?.id).toBe(company.id);
      });

      it('keeps one partner per CNPJ and environment, with separate rows per environment', async () => {
        const { company } = await partnerWithCompany('homologacao');
        const other = await store.createPartner('Outro parceiro');
        await expect(store.createCompany({ partnerId: other.partner.id, cnpj: company.cnpj, uf: 'SP', name: 'X', environment: 'homologacao' }))
          .rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('já está cadastrado') });
        const prod = await store.createCompany({ partnerId: company.partnerId, cnpj: company.cnpj, uf: 'SP', name: 'X', environment: 'producao' });
        expect(prod.accessKey).not.toBe(await store.getCompanyAccessKey(company.id));
      });

      it.each([
        [{ cnpj: '11111111111111' }, 'CNPJ inválido'],
        [{ uf: 'XX' }, 'UF inválida'],
        [{ environment: 'teste' }, 'Ambiente inválido'],
        [{ partnerId: 'nao-existe' }, 'Parceiro não encontrado'],
      ])('refuses an invalid company %j', async (override, message) => {
        const { partner } = await store.createPartner('P');
        await expect(store.createCompany({ partnerId: partner.id, cnpj: randomCnpj(), uf: 'SP', name: 'X', environment: 'homologacao', ...override } as never))
          .rejects.toThrow(message);
      });

      it('updates a company, its CSC and contingency settings, and rotates the access key', async () => {
        const { company, accessKey } = await partnerWithCompany();
        const updated = await store.updateCompany(company.id, {
          name: 'Novo Nome', enabled: false, cscId: '000001', csc: 'CSC-SECRETO-123',
          contingency: { '65': { options: ['OFFLINE', 'NONE'], transitionMode: 'focus', transitionSerie: 900 } },
        });
        expect(updated).toMatchObject({ name: 'Novo Nome', enabled: false, cscId: '000001', hasCsc: true });
        expect(updated?.contingency['65']?.transitionSerie).toBe(900);
        expect(JSON.stringify(updated)).not.toContain('CSC-SECRETO-123');
        expect(await store.getCompanyCsc(company.id)).toEqual({ cscId: '000001', csc: 'CSC-SECRETO-123' });
        expect((await store.updateCompany(company.id, { csc: null }))?.hasCsc).toBe(false);
        expect(company.autoCiencia).toBe(false);
        expect((await store.updateCompany(company.id, { autoCiencia: true }))?.autoCiencia).toBe(true);
        expect((await store.getCompany(company.id))?.autoCiencia).toBe(true);
        expect(await store.getCompanyCsc(company.id)).toBeUndefined();
        const rotated = await store.rotateCompanyAccessKey(company.id);
        expect(rotated).toMatch(/^[0-9a-f]{32}$/);
        expect(rotated).not.toBe(accessKey);
        expect(await store.getCompanyAccessKey(company.id)).toBe(rotated);
        expect(await store.updateCompany('nao-existe', { name: 'x' })).toBeUndefined();
      });

      it('keeps the company\'s choice for unknown layout fields: reject unless set to ignore', async () => {
        const { partner, company } = await partnerWithCompany();
        expect(company.unknownFields).toBe('reject');
        expect((await store.getCompany(company.id))?.unknownFields).toBe('reject');
        expect((await store.updateCompany(company.id, { unknownFields: 'ignore' }))?.unknownFields).toBe('ignore');
        expect((await store.findCompanyForPartner(partner.id, company.cnpj, 'homologacao'))?.unknownFields).toBe('ignore');
        const created = await store.createCompany({ partnerId: partner.id, cnpj: randomCnpj(), uf: 'SP', name: 'Outra', environment: 'homologacao', unknownFields: 'ignore' });
        expect((await store.getCompany(created.company.id))?.unknownFields).toBe('ignore');
        expect((await store.updateCompany(company.id, { unknownFields: 'reject' }))?.unknownFields).toBe('reject');
      });

      it('reads a company, its access key and CSC as last written, also when they were read just before', async () => {
        const { partner, company, partnerKey } = await partnerWithCompany();
        const read = async () => ({
          found: await store.findCompanyForPartner(partner.id, company.cnpj, 'homologacao'),
          byId: await store.getCompany(company.id),
          partner: await store.findPartnerByKey(partnerKey),
          accessKey: await store.getCompanyAccessKey(company.id),
          csc: await store.getCompanyCsc(company.id),
        });
        const before = await read();
        expect(before.found).toMatchObject({ name: company.name, enabled: true });
        expect(before.partner?.id).toBe(partner.id);
        await store.updateCompany(company.id, { name: 'Renomeada', enabled: false, cscId: '000002', csc: 'CSC-NOVO' });
        const rotated = await store.rotateCompanyAccessKey(company.id);
        const after = await read();
        expect(after.found).toMatchObject({ name: 'Renomeada', enabled: false, cscId: '000002' });
        expect(after.byId).toMatchObject({ name: 'Renomeada', enabled: false });
        expect(after.accessKey).toBe(rotated);
        expect(after.csc).toEqual({ cscId: '000002', csc: 'CSC-NOVO' });
      });

      it("does not return another partner's company", async () => {
        const a = await partnerWithCompany();
        const b = await partnerWithCompany();
        expect(await store.findCompanyForPartner(b.partner.id, a.company.cnpj, 'homologacao')).toBeUndefined();
        expect((await store.listCompanies(b.partner.id)).map((c) => c.id)).toEqual([b.company.id]);
      });
    });

    describe('certificates', () => {
      it('keeps one active certificate and returns the decrypted key material', async () => {
        const { company } = await partnerWithCompany();
        const base = { certPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', subject: 'CN=EMPRESA:' + company.cnpj, cnpj: company.cnpj, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z') };
        const first = await store.saveCertificate(company.id, { ...base, pfx: crypto.randomBytes(64), password: 'senha1', keyPem: 'KEY1', serial: '01' });
        // Read (and so cached as opened) before being replaced: the new certificate must win.
        expect((await store.getActiveCertificate(company.id))?.keyPem).toBe('KEY1');
        const pfx = crypto.randomBytes(256);
        const second = await store.saveCertificate(company.id, { ...base, pfx, password: 'senha-2', keyPem: '-----BEGIN PRIVATE KEY-----\nKEY2\n-----END PRIVATE KEY-----\n', serial: '02' });
        const active = await store.getActiveCertificate(company.id);
        expect(active).toMatchObject({ id: second.id, serial: '02', password: 'senha-2', active: true, notAfter: base.notAfter });
        expect(active?.keyPem).toContain('KEY2');
        expect(active?.pfx.equals(pfx)).toBe(true);
        const list = await store.listCertificates(company.id);
        expect(list.find((c) => c.id === first.id)?.active).toBe(false);
        expect(JSON.stringify(list)).not.toMatch(/senha|KEY2/);
        await expect(store.saveCertificate('nao-existe', { ...base, pfx, password: 'x', keyPem: 'x', serial: '03' })).rejects.toThrow('Empresa não encontrada');
      });
    });

    describe('documents', () => {
      it('stores signed XML byte-exact and round-trips every field', async () => {
        const { company } = await partnerWithCompany();
        const xml = '<?xml version="1.0" encoding="UTF-8"?>\r\n<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe Id="NFe1">Ação &amp; ç  </infNFe></NFe>\n';
        const dhEmi = new Date('2025-03-04T12:34:56.789Z');
        const doc = await store.insertDocument(company.id, newDoc(10, {
          chave: '35250300000000000000550010000000101000000107', cNF: '00000010', dhEmi, xmlSigned: xml, totalValue: '1234.50',
          destDoc: '12345678901', destName: 'João', docStatus: 1, stage: 'signed', previousChaves: ['3525X'],
        }));
        const got = await store.getDocument(company.id, doc.id);
        expect(got).toEqual(doc);
        expect(await store.getDocumentXml(company.id, doc.id, ['xmlSigned'])).toEqual({ xmlSigned: xml });
        expect(got?.dhEmi?.getTime()).toBe(dhEmi.getTime());
        expect(got).toMatchObject({ numero: 10, serie: 1, attempts: 0, discardRequested: false, nProt: null, tpEmis: '1' });
      });

      it('writes the fields that depend on the allocated number with the number itself', async () => {
        const { company } = await partnerWithCompany();
        const seen: number[] = [];
        const doc = await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: 7 }, (n) => {
          seen.push(n);
          return { stage: 'numbered', chave: `chave-${n}`, cNF: String(n + 1).padStart(8, '0') };
        });
        expect(seen).toEqual([doc.numero]);
        expect(await store.getDocument(company.id, doc.id)).toMatchObject({ stage: 'numbered', chave: `chave-${doc.numero}`, cNF: String(doc.numero + 1).padStart(8, '0') });
      });

      it('keeps each XML value until it is replaced or cleared, whatever else an update changes', async () => {
        const { company } = await partnerWithCompany();
        const layout = `<Envio>${'ç'.repeat(5000)}</Envio>`;
        const all = ['layoutXml', 'xmlSigned', 'xmlProc'] as const;
        const xmlOf = (id: string) => store.getDocumentXml(company.id, id, all);
        const doc = await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: 1, layoutXml: layout });
        await store.updateDocument(company.id, doc.id, { stage: 'signed', xmlSigned: '<NFe>1</NFe>' });
        expect(await xmlOf(doc.id)).toEqual({ layoutXml: layout, xmlSigned: '<NFe>1</NFe>', xmlProc: null });
        await store.updateDocument(company.id, doc.id, { stage: 'sending' });
        expect(await xmlOf(doc.id)).toEqual({ layoutXml: layout, xmlSigned: '<NFe>1</NFe>', xmlProc: null });
        const answered = await store.updateDocument(company.id, doc.id, { stage: 'answered', xmlSigned: '<NFe>2</NFe>', xmlProc: '' });
        expect(await xmlOf(doc.id)).toEqual({ layoutXml: layout, xmlSigned: '<NFe>2</NFe>', xmlProc: '' });
        expect(await store.getDocument(company.id, doc.id)).toEqual(answered);
        const cleared = await store.updateDocument(company.id, doc.id, { layoutXml: null, xmlProc: null });
        expect(cleared).toMatchObject({ stage: 'answered' });
        expect(await xmlOf(doc.id)).toEqual({ layoutXml: null, xmlSigned: '<NFe>2</NFe>', xmlProc: null });
        expect(await store.getDocument(company.id, doc.id)).toEqual(cleared);
        const [listed] = await store.queryDocuments(company.id, {});
        const [due] = (await store.findDocumentsForJob({ stage: ['answered'], limit: 1000 })).filter((d) => d.id === doc.id);
        // Every read carries the document's state alone, its XML never (a list may hold 1,000 documents).
        expect([listed, due]).toEqual([cleared, cleared]);
        expect(await store.findDocumentByNumber(company.id, '2', '55', 1, doc.numero)).toEqual(cleared);
        for (const read of [cleared, listed, due]) expect(Object.keys(read!).filter((k) => /xml/i.test(k))).toEqual([]);
        expect(await store.updateDocument(company.id, doc.id, { xmlSigned: '<x/>' }, { stage: ['received'] })).toBeUndefined();
        expect(await store.getDocumentXml(company.id, doc.id, ['xmlSigned'])).toEqual({ xmlSigned: '<NFe>2</NFe>' });
      });

      it('reads only the XML values asked for, of the company\'s own document', async () => {
        const { company } = await partnerWithCompany();
        const other = await partnerWithCompany();
        const doc = await store.insertDocument(company.id, newDoc(1, { layoutXml: '<Envio/>', xmlSigned: '<NFe/>' }));
        expect(await store.getDocumentXml(company.id, doc.id, ['xmlProc'])).toEqual({ xmlProc: null });
        expect(await store.getDocumentXml(company.id, doc.id, ['layoutXml', 'xmlSigned'])).toEqual({ layoutXml: '<Envio/>', xmlSigned: '<NFe/>' });
        expect(await store.getDocumentXml(other.company.id, doc.id, ['xmlSigned'])).toBeUndefined();
        expect(await store.getDocumentXml(company.id, 'sem-documento', ['xmlSigned'])).toBeUndefined();
      });

      it('refuses a number already used in the same company, série and model', async () => {
        const { company } = await partnerWithCompany();
        await store.insertDocument(company.id, newDoc(5));
        await expect(store.insertDocument(company.id, newDoc(5))).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.insertDocument(company.id, newDoc(5, { model: '65' }))).resolves.toMatchObject({ numero: 5, model: '65' });
        await expect(store.insertDocument(company.id, newDoc(0))).rejects.toBeInstanceOf(StoreError);
      });

      it('a row outside the numbering (sequence: false) leaves the sequence where it was', async () => {
        const { company } = await partnerWithCompany();
        const key = { companyId: company.id, tpAmb: '2' as const, model: '55' as const, serie: 1 };
        await store.insertDocument(company.id, newDoc(3));
        await store.insertDocument(company.id, newDoc(5000), { sequence: false });
        expect(await store.peekSequence(key)).toBe(4);
        await store.insertDocument(company.id, newDoc(10));
        expect(await store.peekSequence(key)).toBe(11);
      });

      it('updates a single row, honours the optimistic guard, finds by number and by any chave', async () => {
        const { company } = await partnerWithCompany();
        const doc = await store.insertDocument(company.id, newDoc(1, { chave: 'CHAVE-NORMAL', stage: 'numbered' }));
        const sibling = await store.insertDocument(company.id, newDoc(2));
        expect(await store.updateDocument(company.id, doc.id, { stage: 'sending' }, { stage: ['signed'] })).toBeUndefined();
        const updated = await store.updateDocument(company.id, doc.id, {
          stage: 'answered', docStatus: 15, cStat: '100', nProt: '135250000000001', chave: 'CHAVE-SVC', previousChaves: ['CHAVE-NORMAL'],
          tpEmis: '6', dhAut: new Date('2025-03-04T13:00:00Z'), attempts: 1,
        }, { stage: ['numbered'] });
        expect(updated).toMatchObject({ stage: 'answered', docStatus: 15, cStat: '100', tpEmis: '6', attempts: 1 });
        expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(doc.updatedAt.getTime());
        expect((await store.getDocument(company.id, sibling.id))?.stage).toBe('received');
        expect((await store.findDocumentByNumber(company.id, '2', '55', 1, 1))?.id).toBe(doc.id);
        expect(await store.findDocumentByNumber(company.id, '1', '55', 1, 1)).toBeUndefined();
        expect((await store.findDocumentByChave(company.id, 'CHAVE-SVC'))?.id).toBe(doc.id);
        expect((await store.findDocumentByChave(company.id, 'CHAVE-NORMAL'))?.id).toBe(doc.id);
        expect(await store.findDocumentByChave(company.id, 'CHAVE')).toBeUndefined();
      });

      it('moves a document along the state machine and refuses an illegal move, naming both states', async () => {
        const { company } = await partnerWithCompany();
        const doc = await store.insertDocument(company.id, newDoc(1, { stage: 'sending', xmlSigned: '<NFe/>' }));
        expect(await store.updateDocument(company.id, doc.id, { docStatus: 2, stage: 'settled', nProt: '135250000000001' })).toMatchObject({ docStatus: 2, stage: 'settled' });
        expect(await store.updateDocument(company.id, doc.id, { docStatus: 5, cStat: '101' })).toMatchObject({ docStatus: 5, stage: 'settled', cStat: '101' });
        await expect(store.updateDocument(company.id, doc.id, { docStatus: 2, cStat: '100' })).rejects.toMatchObject({
          code: 'illegal_transition', message: expect.stringMatching(/Cancelado \(5\)\/settled → Autorizado \(2\)\/settled/),
        });
        await expect(store.updateDocument(company.id, doc.id, { stage: 'sending' })).rejects.toMatchObject({ code: 'illegal_transition' });
        expect(await store.getDocument(company.id, doc.id)).toMatchObject({ docStatus: 5, stage: 'settled', cStat: '101', nProt: '135250000000001' });
        expect(await store.getDocumentXml(company.id, doc.id, ['xmlSigned'])).toEqual({ xmlSigned: '<NFe/>' });
        // An unmatched guard or another company's row is still "not updated", not an illegal move.
        expect(await store.updateDocument(company.id, doc.id, { docStatus: 2 }, { docStatus: [1] })).toBeUndefined();
        const other = await partnerWithCompany();
        expect(await store.updateDocument(other.company.id, doc.id, { docStatus: 2 })).toBeUndefined();
      });

      it('queries a company\'s documents by number range, status, stage and dates', async () => {
        const { company } = await partnerWithCompany();
        for (let n = 1; n <= 6; n++) {
          await store.insertDocument(company.id, newDoc(n, { docStatus: n % 2 ? 2 : 3, dhEmi: new Date(Date.UTC(2025, 0, n)) }));
        }
        await store.insertDocument(company.id, newDoc(1, { model: '65' }));
        const nums = (docs: DocumentRecord[]) => docs.map((d) => d.numero);
        expect(nums(await store.queryDocuments(company.id, { model: '55', numeroFrom: 2, numeroTo: 5 }))).toEqual([2, 3, 4, 5]);
        expect(nums(await store.queryDocuments(company.id, { model: '55', docStatus: [3] }))).toEqual([2, 4, 6]);
        expect(nums(await store.queryDocuments(company.id, { emissionFrom: new Date(Date.UTC(2025, 0, 5)), emissionTo: new Date(Date.UTC(2025, 0, 6)) }))).toEqual([5, 6]);
        expect(await store.queryDocuments(company.id, { model: '65' })).toHaveLength(1);
        expect(await store.queryDocuments(company.id, { model: '55', limit: 2 })).toHaveLength(2);
        expect(await store.queryDocuments(company.id, { includedFrom: new Date(Date.now() + 60_000) })).toHaveLength(0);
        expect(await store.queryDocuments(company.id, { stage: [] })).toHaveLength(0);
        // A reference row to an NF-e the company received is left out of its own documents.
        await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: RECEIVED_SERIE, docStatus: 2 });
        expect(await store.queryDocuments(company.id, { model: '55', docStatus: [2] })).toHaveLength(4);
        expect(nums(await store.queryDocuments(company.id, { model: '55', docStatus: [2], ownOnly: true }))).toEqual([1, 3, 5]);
      });

      it('finds due documents across companies for jobs, by status, stage and UF', async () => {
        const sp = await partnerWithCompany('homologacao', 'SP');
        const ba = await partnerWithCompany('homologacao', 'BA');
        const past = new Date(Date.now() - 60_000);
        const future = new Date(Date.now() + 3_600_000);
        const a = await store.insertDocument(sp.company.id, newDoc(1, { docStatus: 1, nextAttemptAt: past }));
        await store.insertDocument(sp.company.id, newDoc(2, { docStatus: 1, nextAttemptAt: future }));
        const c = await store.insertDocument(ba.company.id, newDoc(1, { docStatus: 1 }));
        await store.insertDocument(ba.company.id, newDoc(2, { docStatus: 2 }));
        const due = await store.findDocumentsForJob({ docStatus: [1], dueBefore: new Date(), limit: 1000 });
        const mine = due.filter((d) => [sp.company.id, ba.company.id].includes(d.companyId)).map((d) => d.id);
        expect(mine.sort()).toEqual([a.id, c.id].sort());
        const baOnly = await store.findDocumentsForJob({ docStatus: [1], uf: 'BA', dueBefore: new Date(), limit: 1000 });
        expect(baOnly.map((d) => d.id)).toContain(c.id);
        expect(baOnly.map((d) => d.id)).not.toContain(a.id);
      });
    });

    describe('isolation between companies', () => {
      it("never reads or updates another company's documents, events or inutilizações", async () => {
        const a = await partnerWithCompany();
        const b = await partnerWithCompany();
        const doc = await store.insertDocument(a.company.id, newDoc(1, { chave: 'CHAVE-A', xmlSigned: '<NFe/>', previousChaves: ['CHAVE-A-OLD'] }));
        const ev = await store.insertEvent(a.company.id, { documentId: doc.id, tpEvento: '110111', nSeq: 1 });
        const inut = await store.insertInutilizacao(a.company.id, { tpAmb: '2', model: '55', serie: 1, nIni: 3, nFin: 4, justificativa: 'Falha de sistema interno' });

        expect(await store.getDocument(b.company.id, doc.id)).toBeUndefined();
        expect(await store.findDocumentByChave(b.company.id, 'CHAVE-A')).toBeUndefined();
        expect(await store.findDocumentByChave(b.company.id, 'CHAVE-A-OLD')).toBeUndefined();
        expect(await store.findDocumentByNumber(b.company.id, '2', '55', 1, 1)).toBeUndefined();
        expect(await store.queryDocuments(b.company.id, {})).toEqual([]);
        expect(await store.updateDocument(b.company.id, doc.id, { docStatus: 5, xmlSigned: '<hack/>' })).toBeUndefined();
        expect(await store.getDocument(a.company.id, doc.id)).toMatchObject({ docStatus: 1 });
        expect(await store.getDocumentXml(b.company.id, doc.id, ['xmlSigned'])).toBeUndefined();
        expect(await store.getDocumentXml(a.company.id, doc.id, ['xmlSigned'])).toEqual({ xmlSigned: '<NFe/>' });

        await expect(store.insertEvent(b.company.id, { documentId: doc.id, tpEvento: '110110', nSeq: 1 })).rejects.toMatchObject({ code: 'not_found' });
        expect(await store.getEvent(b.company.id, ev.id)).toBeUndefined();
        expect(await store.listEvents(b.company.id, doc.id)).toEqual([]);
        expect(await store.updateEvent(b.company.id, ev.id, { status: 'registered' })).toBeUndefined();
        expect((await store.getEvent(a.company.id, ev.id))?.status).toBe('pending');

        expect(await store.getInutilizacao(b.company.id, inut.id)).toBeUndefined();
        expect(await store.updateInutilizacao(b.company.id, inut.id, { status: 'rejected' })).toBeUndefined();
        expect(await store.listInutilizacoes(b.company.id)).toEqual([]);
        expect(await store.isNumberInutilizado(b.company.id, '2', '55', 1, 3)).toBe(false);
        expect(await store.isNumberInutilizado(a.company.id, '2', '55', 1, 3)).toBe(true);
      });
    });

    describe('numbering', () => {
      it('gives 200 concurrent callers 200 distinct consecutive numbers', async () => {
        const { company } = await partnerWithCompany();
        const docs = await Promise.all(Array.from({ length: 200 }, () =>
          store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: 1 })));
        const numbers = docs.map((d) => d.numero).sort((x, y) => x - y);
        expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        expect(await store.peekSequence({ companyId: company.id, tpAmb: '2', model: '55', serie: 1 })).toBe(201);
        const other = await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: 2 });
        expect(other.numero).toBe(1);
      });

      it('skips inutilizado numbers and client numbers; rejected inutilizações free their numbers', async () => {
        const { company } = await partnerWithCompany();
        const key = { companyId: company.id, tpAmb: '2' as const, model: '65' as const, serie: 3 };
        const alloc = async () => (await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '65', serie: 3 })).numero;
        expect([await alloc(), await alloc()]).toEqual([1, 2]);
        await store.insertInutilizacao(company.id, { ...key, nIni: 3, nFin: 5, justificativa: 'Numeração pulada por falha', status: 'authorized' });
        expect(await alloc()).toBe(6);
        await store.insertDocument(company.id, { ...key, numero: 7 });
        expect(await alloc()).toBe(8);
        await store.noteClientNumber(key, 20);
        expect(await store.peekSequence(key)).toBe(21);
        await store.noteClientNumber(key, 10);
        expect(await store.peekSequence(key)).toBe(21);
        const inut = await store.insertInutilizacao(company.id, { ...key, nIni: 21, nFin: 22, justificativa: 'Numeração pulada por falha' });
        expect(await store.isNumberInutilizado(company.id, '2', '65', 3, 22)).toBe(true);
        expect(await alloc()).toBe(23);
        await store.updateInutilizacao(company.id, inut.id, { status: 'rejected', cStat: '241' });
        expect(await store.isNumberInutilizado(company.id, '2', '65', 3, 21)).toBe(false);
        await expect(store.insertInutilizacao(company.id, { ...key, nIni: 9, nFin: 8, justificativa: 'Faixa invertida de teste' })).rejects.toThrow('Faixa de inutilização inválida');
      });

      it('reads the numbering facts of each série: runs, documents not settled, blocking inutilizações, only its own', async () => {
        const { company } = await partnerWithCompany();
        const other = (await partnerWithCompany()).company;
        const key = { tpAmb: '2' as const, model: '55' as const, serie: 1 };
        for (const n of [1, 2, 3, 4, 7, 8, 12]) await store.insertDocument(company.id, { ...key, numero: n, docStatus: n === 3 ? 3 : n === 8 ? 1 : 2 });
        await store.insertDocument(company.id, { ...key, serie: 2, numero: 5, docStatus: 2 });
        await store.insertDocument(company.id, { ...key, model: '65', numero: 1, docStatus: 2, discardRequested: true });
        await store.insertDocument(other.id, { ...key, numero: 5, docStatus: 2 });
        // Reference rows to NF-e the company received are no série of its own.
        await store.allocateAndInsertDocument(company.id, { ...key, serie: RECEIVED_SERIE, docStatus: 2 });
        await store.insertInutilizacao(company.id, { ...key, nIni: 9, nFin: 10, justificativa: 'Numeração pulada por falha', status: 'authorized' });
        await store.insertInutilizacao(company.id, { ...key, nIni: 5, nFin: 5, justificativa: 'Numeração pulada por falha', status: 'rejected' });

        const facts = await store.numberingFacts(company.id, { tpAmb: '2', models: ['55'] });
        expect(facts.map((f) => [f.model, f.serie])).toEqual([['55', 1], ['55', 2]]);
        const [s1, s2] = facts;
        expect(s1.runs.map((r) => [r.from, r.to])).toEqual([[1, 4], [7, 8], [12, 12]]);
        expect(s1.runs.every((r) => r.since instanceof Date)).toBe(true);
        expect(s1.open.map((d) => [d.numero, d.docStatus, d.discardRequested])).toEqual([[3, 3, false], [8, 1, false]]);
        expect(s1.inutilizacoes).toEqual([{ nIni: 9, nFin: 10 }]);
        expect(s2).toMatchObject({ runs: [{ from: 5, to: 5 }], open: [], inutilizacoes: [] });
        expect((await store.numberingFacts(company.id, { serie: 1, models: ['65'] }))[0]!.open).toEqual([]);
        expect(await store.numberingFacts(company.id, { tpAmb: '1' })).toEqual([]);
        expect((await store.numberingFacts(other.id)).map((f) => f.runs)).toEqual([[{ from: 5, to: 5, since: expect.any(Date) }]]);
      });

      it('keeps the per-company gap-voiding switch, off by default', async () => {
        const { company } = await partnerWithCompany();
        expect(company.voidGaps).toBe(false);
        expect((await store.getCompany(company.id))?.voidGaps).toBe(false);
        await store.updateCompany(company.id, { voidGaps: true });
        expect((await store.getCompany(company.id))?.voidGaps).toBe(true);
      });
    });

    describe('events, inutilizações and request log', () => {
      it('keeps events unique per document, type and sequence, and finds pending ones', async () => {
        const { company } = await partnerWithCompany();
        const doc = await store.insertDocument(company.id, newDoc(1));
        const ev = await store.insertEvent(company.id, { documentId: doc.id, tpEvento: '110110', nSeq: 1, requestXml: '<CCe/>' });
        await store.insertEvent(company.id, { documentId: doc.id, tpEvento: '110110', nSeq: 2 });
        await expect(store.insertEvent(company.id, { documentId: doc.id, tpEvento: '110110', nSeq: 1 })).rejects.toMatchObject({ code: 'conflict' });
        const done = await store.updateEvent(company.id, ev.id, { status: 'registered', cStat: '135', nProt: '1352500001', dhReg: new Date('2025-03-04T10:00:00Z') });
        expect(done).toMatchObject({ status: 'registered', cStat: '135', requestXml: '<CCe/>' });
        expect((await store.listEvents(company.id, doc.id)).map((e) => e.nSeq)).toEqual([1, 2]);
        const pending = await store.findEventsForJob({ status: ['pending'], dueBefore: new Date(), limit: 1000 });
        expect(pending.some((e) => e.documentId === doc.id && e.nSeq === 2)).toBe(true);
        expect(pending.some((e) => e.id === ev.id)).toBe(false);
      });

      describe('event sequence reservation', () => {
        const cce = (documentId: string, extra: { nSeq?: number; heldBy?: string[] } = {}) =>
          ({ documentId, tpEvento: '110110', maxSeq: 20, requestXml: '<CCe/>', ...extra });

        it('hands concurrent callers distinct sequences, each row sending, and refuses past the limit', async () => {
          const { company } = await partnerWithCompany();
          const doc = await store.insertDocument(company.id, newDoc(1));
          const results = await Promise.all(Array.from({ length: 8 }, () => store.reserveEvent(company.id, { ...cce(doc.id), maxSeq: 6 })));
          const reserved = results.flatMap((r) => (r.kind === 'reserved' ? [r.event] : []));
          expect(reserved.map((e) => e.nSeq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
          expect(results.filter((r) => r.kind === 'exhausted')).toHaveLength(2);
          expect(reserved.every((e) => e.status === 'sending' && e.attempts === 1 && e.requestXml === '<CCe/>' && e.xmlSigned === null)).toBe(true);
          expect((await store.listEvents(company.id, doc.id)).map((e) => e.nSeq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
          // Other event types and documents have their own sequences.
          expect(await store.reserveEvent(company.id, { ...cce(doc.id), tpEvento: '110111', maxSeq: 1 })).toMatchObject({ kind: 'reserved', event: { nSeq: 1 } });
          const other = await store.insertDocument(company.id, newDoc(2));
          expect(await store.reserveEvent(company.id, cce(other.id))).toMatchObject({ kind: 'reserved', event: { nSeq: 1, documentId: other.id } });
        });

        it('answers a sequence in use with its row, and takes a rejected one over unless the authority holds it', async () => {
          const { company } = await partnerWithCompany();
          const doc = await store.insertDocument(company.id, newDoc(1));
          const first = await store.reserveEvent(company.id, cce(doc.id));
          if (first.kind !== 'reserved') throw new Error(first.kind);
          await store.updateEvent(company.id, first.event.id, { status: 'registered', cStat: '135', xmlSigned: '<evento seq="1"/>', xmlProc: '<proc/>' });
          const taken = await store.reserveEvent(company.id, cce(doc.id, { nSeq: 1 }));
          expect(taken).toMatchObject({ kind: 'taken', event: { id: first.event.id, status: 'registered', xmlSigned: '<evento seq="1"/>', xmlProc: '<proc/>' } });

          const second = await store.reserveEvent(company.id, cce(doc.id));
          if (second.kind !== 'reserved') throw new Error(second.kind);
          expect(second.event.nSeq).toBe(2);
          expect(await store.reserveEvent(company.id, cce(doc.id, { nSeq: 2 }))).toMatchObject({ kind: 'taken', event: { status: 'sending' } });
          await store.updateEvent(company.id, second.event.id, { status: 'rejected', cStat: '577', xMotivo: 'Rejeição', xmlSigned: '<evento seq="2"/>' });
          // The rejected sequence 2 is the next one again: its row is taken over, cleared, attempts counted.
          const again = await store.reserveEvent(company.id, { ...cce(doc.id), requestXml: '<CCe2/>' });
          expect(again).toMatchObject({ kind: 'reserved', event: { id: second.event.id, nSeq: 2, status: 'sending', attempts: 2, cStat: null, xMotivo: null, xmlSigned: null, requestXml: '<CCe2/>' } });
          expect(await store.getEvent(company.id, second.event.id)).toMatchObject({ status: 'sending', xmlSigned: null, requestXml: '<CCe2/>' });

          // Rejected as a duplicate (573): SEFAZ holds that sequence, the next one is handed out.
          await store.updateEvent(company.id, second.event.id, { status: 'rejected', cStat: '573' });
          expect(await store.reserveEvent(company.id, cce(doc.id, { heldBy: ['573'] }))).toMatchObject({ kind: 'reserved', event: { nSeq: 3 } });
          // Named explicitly, a rejected sequence is taken over whatever the rejection.
          expect(await store.reserveEvent(company.id, cce(doc.id, { nSeq: 2, heldBy: ['573'] }))).toMatchObject({ kind: 'reserved', event: { id: second.event.id, attempts: 3 } });
          expect(await store.reserveEvent(company.id, cce(doc.id, { nSeq: 21 }))).toEqual({ kind: 'exhausted' });
        });

        it("never reserves on another company's document", async () => {
          const a = await partnerWithCompany();
          const b = await partnerWithCompany();
          const doc = await store.insertDocument(a.company.id, newDoc(1));
          await expect(store.reserveEvent(b.company.id, cce(doc.id))).rejects.toMatchObject({ code: 'not_found' });
          expect(await store.listEvents(a.company.id, doc.id)).toEqual([]);
        });
      });

      it('keeps event and inutilização XML across updates and listings', async () => {
        const { company } = await partnerWithCompany();
        const doc = await store.insertDocument(company.id, newDoc(1));
        const ev = await store.insertEvent(company.id, { documentId: doc.id, tpEvento: '110111', nSeq: 1, requestXml: '<Canc/>', xmlSigned: '<evento/>' });
        const done = await store.updateEvent(company.id, ev.id, { status: 'registered', xmlProc: '<procEvento/>', requestXml: null });
        expect(done).toMatchObject({ status: 'registered', xmlSigned: '<evento/>', xmlProc: '<procEvento/>', requestXml: null });
        expect(await store.getEvent(company.id, ev.id)).toEqual(done);
        expect(await store.listEvents(company.id, doc.id)).toEqual([done]);
        const inut = await store.insertInutilizacao(company.id, { tpAmb: '2', model: '55', serie: 1, nIni: 5, nFin: 6, justificativa: 'Falha de sistema interno', xmlProc: '<a/>' });
        expect(await store.getInutilizacao(company.id, inut.id)).toEqual(inut);
        const authorized = await store.updateInutilizacao(company.id, inut.id, { status: 'authorized', xmlProc: '<procInutNFe/>' });
        expect(authorized).toMatchObject({ status: 'authorized', xmlProc: '<procInutNFe/>' });
        expect(await store.listInutilizacoes(company.id)).toEqual([authorized]);
      });

      it('records requests', async () => {
        const { partner, company } = await partnerWithCompany();
        await store.recordRequest({ requestId: 'req-1', partnerId: partner.id, companyId: company.id, kind: 'Envio', documents: 2, codes: ['100', '100', '539'], durationMs: 12.7 });
        const [entry] = await store.listRequests({ companyId: company.id });
        expect(entry).toMatchObject({ requestId: 'req-1', kind: 'Envio', documents: 2, codes: ['100', '100', '539'], durationMs: 13 });
      });
    });

    describe('job leases', () => {
      it('acquires atomically, is re-entrant, blocks other owners and lets an expired lease be stolen', async () => {
        const job = `job-${crypto.randomUUID()}`;
        expect(await store.acquireLease(job, 'instance-a', 60_000)).toBe(true);
        expect(await store.acquireLease(job, 'instance-a', 60_000)).toBe(true);
        expect(await store.acquireLease(job, 'instance-b', 60_000)).toBe(false);
        await store.releaseLease(job, 'instance-b');
        expect(await store.acquireLease(job, 'instance-b', 60_000)).toBe(false);
        await store.releaseLease(job, 'instance-a');
        expect(await store.acquireLease(job, 'instance-b', 60_000)).toBe(true);

        const short = `job-${crypto.randomUUID()}`;
        expect(await store.acquireLease(short, 'instance-a', 5)).toBe(true);
        await new Promise((r) => setTimeout(r, 30));
        expect(await store.acquireLease(short, 'instance-b', 60_000)).toBe(true);
        expect(await store.acquireLease(short, 'instance-a', 60_000)).toBe(false);

        const raced = `job-${crypto.randomUUID()}`;
        const wins = await Promise.all(['x', 'y', 'z', 'w'].map((o) => store.acquireLease(raced, o, 60_000)));
        expect(wins.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('DF-e distribution', () => {
      const K1 = '35260611222333000181550010000000011000000011';
      const K2 = '35260611222333000181550010000000021000000022';
      const nsu = (n: number) => String(n).padStart(15, '0');
      function dfeDoc(n: number | null, over: Partial<NewDfeDocument> = {}): NewDfeDocument {
        return {
          nsu: n === null ? null : nsu(n), schema: 'resNFe_v1.01.xsd', root: 'resNFe', chave: K1, tpEvento: null, emitterDoc: '11222333000181',
          emitterName: 'Emitente', destDoc: null, dhEmi: new Date('2026-06-01T10:00:00Z'), totalValue: '10.00', situation: 'authorized', rank: 1,
          xml: `<resNFe n="${n}"/>`, ...over,
        };
      }

      it('opts a company in per model at NSU 0, keeps the position across opt-out, and persists the whole state', async () => {
        const { company } = await partnerWithCompany();
        const nfe = await store.setDfeEnabled(company.id, '55', true);
        expect(nfe).toMatchObject({ companyId: company.id, model: '55', tpAmb: '2', cnpj: company.cnpj, enabled: true, ultNSU: nsu(0), callLog: [], continueWhenBehind: true });
        expect(await store.getDfeState(company.id, '57')).toBeUndefined();
        const t = new Date('2026-06-01T12:00:00Z');
        await store.saveDfeState(company.id, '55', {
          ultNSU: nsu(120), maxNSU: nsu(130), holdUntil: t, blockedUntil: null, backoffUntil: new Date(t.getTime() + 1000), backoffMs: 900_000,
          callLog: [t, new Date(t.getTime() + 5)], keyQueryLog: [t], continueWhenBehind: false,
        }, t);
        await store.setDfeEnabled(company.id, '55', false);
        expect(await store.getDfeState(company.id, '55')).toMatchObject({
          enabled: false, ultNSU: nsu(120), maxNSU: nsu(130), holdUntil: t, blockedUntil: null, backoffMs: 900_000,
          callLog: [t, new Date(t.getTime() + 5)], keyQueryLog: [t], continueWhenBehind: false, lastSweepAt: t,
        });
        expect((await store.listDfeStates({ enabled: true, companyId: company.id }))).toEqual([]);
        await store.setDfeEnabled(company.id, '55', true);
        expect((await store.listDfeStates({ enabled: true, companyId: company.id })).map((s) => [s.model, s.ultNSU])).toEqual([['55', nsu(120)]]);
        const other = await partnerWithCompany();
        await expect(store.saveDfeState(other.company.id, '55', (await store.getDfeState(company.id, '55'))!)).rejects.toThrow(StoreError);
      });

      it('stores documents once per NSU, keeps the key\'s best one, marks a cancelled key, and answers the read API', async () => {
        const { company } = await partnerWithCompany();
        const other = await partnerWithCompany();
        await store.setDfeEnabled(company.id, '55', true);
        await store.setDfeEnabled(other.company.id, '55', true);
        const at = new Date('2026-06-01T12:00:00Z');
        expect(await store.storeDfeDocuments(company.id, '55', [dfeDoc(5), dfeDoc(6, { chave: K2, dhEmi: new Date('2026-05-01T10:00:00Z') })], at)).toBe(2);
        expect(await store.storeDfeDocuments(company.id, '55', [dfeDoc(5)], at)).toBe(0);
        const proc = dfeDoc(9, { schema: 'procNFe_v4.00.xsd', root: 'nfeProc', rank: 2, xml: '<nfeProc>completo</nfeProc>', destDoc: company.cnpj });
        expect(await store.storeDfeDocuments(company.id, '55', [proc, dfeDoc(10, { root: 'resEvento', schema: 'resEvento_v1.01.xsd', rank: 0, tpEvento: '110111', situation: null })], at)).toBe(2);
        // A summary arriving after the full document does not take its place.
        await store.storeDfeDocuments(company.id, '55', [dfeDoc(11)], at);
        await store.storeDfeDocuments(other.company.id, '55', [dfeDoc(5, { xml: '<resNFe>outra empresa</resNFe>' })], at);

        const all = await store.queryDfeDocuments(company.id, {});
        expect(all.map((d) => [d.nsu, d.root, d.best])).toEqual([
          [nsu(5), 'resNFe', false], [nsu(6), 'resNFe', true], [nsu(9), 'nfeProc', true], [nsu(10), 'resEvento', null], [nsu(11), 'resNFe', false],
        ]);
        const best = await store.queryDfeDocuments(company.id, { chave: K1, bestOnly: true });
        expect(best).toHaveLength(1);
        expect(best[0]).toMatchObject({ nsu: nsu(9), xml: '<nfeProc>completo</nfeProc>', situation: 'cancelled', model: '55', tpAmb: '2', destDoc: company.cnpj, receivedAt: at });
        expect((await store.queryDfeDocuments(company.id, { nsuFrom: nsu(6), nsuTo: nsu(9) })).map((d) => d.nsu)).toEqual([nsu(6), nsu(9)]);
        expect((await store.queryDfeDocuments(company.id, { emittedTo: new Date('2026-05-02T00:00:00Z') })).map((d) => d.nsu)).toEqual([nsu(6)]);
        expect((await store.queryDfeDocuments(company.id, { situation: ['authorized'], bestOnly: true })).map((d) => d.chave)).toEqual([K2]);
        expect((await store.queryDfeDocuments(company.id, { roots: ['resEvento'] })).map((d) => d.tpEvento)).toEqual(['110111']);
        expect(await store.queryDfeDocuments(company.id, { limit: 2 })).toHaveLength(2);
        expect((await store.queryDfeDocuments(other.company.id, {})).map((d) => d.xml)).toEqual(['<resNFe>outra empresa</resNFe>']);
        // A consChNFe answer may carry no NSU: stored, listed after the numbered ones.
        expect(await store.storeDfeDocuments(company.id, '55', [dfeDoc(null, { chave: K2, root: 'nfeProc', rank: 2 })], at)).toBe(1);
        expect((await store.queryDfeDocuments(company.id, { chave: K2 })).map((d) => [d.nsu, d.best])).toEqual([[nsu(6), false], [null, true]]);
      });

      it('records a step at once: documents, missing NSUs once (lowest first), the settled NSU and the position; expiry and the backlog', async () => {
        const { company } = await partnerWithCompany();
        const state = await store.setDfeEnabled(company.id, '57', true);
        const t0 = new Date('2026-03-01T00:00:00Z');
        const t1 = new Date('2026-05-01T00:00:00Z');
        expect(await store.recordDfeStep(company.id, '57', {
          state: { ...state, ultNSU: nsu(4) }, at: t0, documents: [dfeDoc(3, { root: 'cteProc', rank: 2 })], missing: [{ from: nsu(1), to: nsu(4) }], lastSweepAt: t0,
        })).toEqual({ stored: 1, missing: 3 });
        expect(await store.getDfeState(company.id, '57')).toMatchObject({ ultNSU: nsu(4), lastSweepAt: t0 });
        expect(await store.recordDfeStep(company.id, '57', { state: { ...state, ultNSU: nsu(9) }, at: t1, missing: [{ from: nsu(4), to: nsu(6) }, { from: nsu(9), to: nsu(9) }] }))
          .toEqual({ stored: 0, missing: 3 });
        expect((await store.listDfeMissing(company.id, '57', { status: ['pending'], limit: 2 })).map((m) => m.nsu)).toEqual([nsu(1), nsu(2)]);
        await store.recordDfeStep(company.id, '57', {
          state: { ...state, ultNSU: nsu(9) }, at: t1, documents: [dfeDoc(2, { chave: K2, root: 'cteProc', rank: 2 })], missingUpdate: { nsu: nsu(2), status: 'fetched', attempts: 1 },
        });
        await store.recordDfeStep(company.id, '57', { state: { ...state, ultNSU: nsu(9) }, at: t1, missingUpdate: { nsu: nsu(4), status: 'never_generated', attempts: 1 } });
        expect(await store.dfeBacklog(company.id, '57')).toEqual({
          pending: 4, oldestPendingNsu: nsu(1), oldestPendingSince: t0, fetched: 1, neverGenerated: 1, expired: 0,
        });
        expect(await store.expireDfeMissing(company.id, '57', new Date('2026-04-01T00:00:00Z'))).toBe(1);
        const rows = await store.listDfeMissing(company.id, '57', {});
        expect(rows.map((m) => [m.nsu, m.status])).toEqual([
          [nsu(1), 'expired'], [nsu(2), 'fetched'], [nsu(4), 'never_generated'], [nsu(5), 'pending'], [nsu(6), 'pending'], [nsu(9), 'pending'],
        ]);
        expect(rows[2]).toMatchObject({ attempts: 1, lastAttemptAt: t1, firstSeenAt: t0 });
        expect(await store.dfeBacklog(company.id, '57')).toMatchObject({ pending: 3, oldestPendingNsu: nsu(5), oldestPendingSince: t1 });
        expect(await store.listDfeMissing(company.id, '55', {})).toEqual([]);
      });
    });

    describe('contingency state', () => {
      it('lets exactly one caller enter contingency and lists scopes by state', async () => {
        const scope = { tpAmb: '2' as const, uf: 'MT', model: '65' as const };
        const enter = { state: 'contingency' as const, since: new Date('2025-03-04T10:00:00Z'), cause: 'Timeout de leitura', probeFailures: 0 };
        expect(await store.getContingency(scope)).toBeUndefined();
        const results = await Promise.all([1, 2, 3].map((i) => store.setContingency(scope, { ...enter, detectingDocumentId: `doc-${i}` }, { ifState: 'normal' })));
        expect(results.filter(Boolean)).toHaveLength(1);
        const current = await store.getContingency(scope);
        expect(current).toMatchObject({ ...scope, state: 'contingency', cause: 'Timeout de leitura', since: enter.since });
        expect(current?.detectingDocumentId).toMatch(/^doc-[123]$/);
        expect((await store.listContingencies('contingency')).some((c) => c.uf === 'MT' && c.model === '65')).toBe(true);
        expect(await store.setContingency(scope, { state: 'normal', since: new Date(), cause: 'cStat 107', probeFailures: 0 }, { ifState: 'contingency' })).toBe(true);
        expect((await store.getContingency(scope))?.state).toBe('normal');
        expect((await store.listContingencies('contingency')).some((c) => c.uf === 'MT' && c.model === '65')).toBe(false);
      });
    });

    describe('durability', () => {
      itDurable('keeps committed document updates across close and reopen', async () => {
        const { company, accessKey } = await partnerWithCompany();
        const doc = await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: 1, layoutXml: '<Envio/>' });
        await store.updateDocument(company.id, doc.id, { stage: 'sending', nRec: '351000000000001', xmlSigned: '<NFe>assinada</NFe>' });
        await store.close();
        store = await harness.open(box);
        expect(await store.getDocument(company.id, doc.id)).toMatchObject({ stage: 'sending', nRec: '351000000000001' });
        expect(await store.getDocumentXml(company.id, doc.id, ['xmlSigned', 'layoutXml'])).toEqual({ xmlSigned: '<NFe>assinada</NFe>', layoutXml: '<Envio/>' });
        expect(await store.getCompanyAccessKey(company.id)).toBe(accessKey);
        expect((await store.allocateAndInsertDocument(company.id, { tpAmb: '2', model: '55', serie: 1 })).numero).toBe(doc.numero + 1);
      });

      itDurable('refuses to open with a different MASTER_KEY, with a clear message', async () => {
        await store.close();
        await expect(harness.open(new SecretBox('outra-chave-mestra-0123456789'))).rejects.toThrow(SecretError);
        await expect(harness.open(new SecretBox('outra-chave-mestra-0123456789'))).rejects.toThrow(/MASTER_KEY informada não é a usada/);
        store = await harness.open(box);
        expect(store.kind).toMatch(/sqlite|mssql/);
      });
    });
  });
}
