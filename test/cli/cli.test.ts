// The operator's commands, run in-process through main() with a temporary DATA_DIR.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openConfiguredStore } from '../../src/app';
import { main } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { issueCompanyCertificate, loadOrCreateTestCa, toPfx } from '../../src/signing/testca';

let dataDir: string;
const saved = { ...process.env };

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const w = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(...String(chunk).split('\n').filter(Boolean)); return true; });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-cli-'));
  process.env.DATA_DIR = dataDir;
  process.env.SEFAZ_MODE = 'simulator';
  process.env.LOG_SILENT = '1';
  delete process.env.MASTER_KEY;
  delete process.env.MSSQL_URL;
});

afterAll(() => {
  process.env = saved;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const CNPJ = withCnpjCheckDigits('123456780001');
const ALNUM_CNPJ = withCnpjCheckDigits('12ABC345DE01');

let companies = 0;

/** A new partner with a company of its own (a fresh CNPJ in SP): each test sets up what it needs. */
async function newCompany(name = 'EMPRESA TESTE LTDA'): Promise<{ cnpj: string; partnerKey: string; accessKey: string }> {
  companies += 1;
  const cnpj = withCnpjCheckDigits(`${33_000_000 + companies}0001`);
  const partnerKey = (await run('partner', 'add', '--name', `Parceiro ${cnpj}`)).out.at(-1)!;
  const added = await run('company', 'add', '--partner', partnerKey, '--cnpj', cnpj, '--uf', 'SP', '--name', name, '--ie', '123456789012');
  expect(added.code).toBe(0);
  return { cnpj, partnerKey, accessKey: added.out.at(-1)! };
}

describe('partner and company commands', () => {
  test('partner add prints the partner key as the last line', async () => {
    const r = await run('partner', 'add', '--name', 'Parceiro Teste');
    expect(r.code).toBe(0);
    const partnerKey = r.out[r.out.length - 1]!;
    expect(partnerKey).toMatch(/^[A-Za-z0-9_-]{22}==$/);
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(true);
  });

  test.each([
    ['invalid check digits', '12345678000100', /CNPJ inválido/],
    ['unknown UF', CNPJ, /UF inválida/],
  ])('company add refuses %s', async (_name, cnpj, message) => {
    const partnerKey = (await run('partner', 'add', '--name', 'Parceiro Recusas')).out.at(-1)!;
    const r = await run('company', 'add', '--partner', partnerKey, '--cnpj', cnpj, '--uf', cnpj === CNPJ ? 'XX' : 'SP', '--name', 'X');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test('company add with an unknown partner key is refused', async () => {
    const r = await run('company', 'add', '--partner', 'nao-existe==', '--cnpj', CNPJ, '--uf', 'SP', '--name', 'X');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/parceiro/);
  });

  test('company add prints the access key as the last line (numeric and alphanumeric CNPJ)', async () => {
    const partnerKey = (await run('partner', 'add', '--name', 'Parceiro Empresas')).out.at(-1)!;
    const r = await run('company', 'add', '--partner', partnerKey, '--cnpj', CNPJ, '--uf', 'SP', '--name', 'EMPRESA TESTE LTDA', '--ie', '123456789012');
    expect(r.code).toBe(0);
    expect(r.out[r.out.length - 1]).toMatch(/^[0-9a-f]{32}$/);
    const a = await run('company', 'add', '--partner', partnerKey, '--cnpj', ALNUM_CNPJ.toLowerCase(), '--uf', 'RS', '--name', 'ALFA LTDA');
    expect(a.code).toBe(0);
    expect(a.out[a.out.length - 1]).toMatch(/^[0-9a-f]{32}$/);
  });

  test('company cert --test issues a certificate from the simulator CA', async () => {
    const { cnpj } = await newCompany();
    const r = await run('company', 'cert', '--cnpj', cnpj, '--test');
    expect(r.code).toBe(0);
    const show = await run('company', 'show', '--cnpj', cnpj);
    expect(show.out.join('\n')).toMatch(/Certificado: .*ativo/);
  });

  test('company cert imports modern and legacy PFX files and refuses expired or foreign ones', async () => {
    const { cnpj } = await newCompany();
    const ca = loadOrCreateTestCa(path.join(dataDir, 'simulator'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-pfx-'));
    const make = (name: string, opts: Parameters<typeof issueCompanyCertificate>[1], legacy: boolean) => {
      const c = issueCompanyCertificate(ca, opts);
      fs.writeFileSync(path.join(dir, `${name}.key`), c.keyPem);
      fs.writeFileSync(path.join(dir, `${name}.crt`), c.certPem);
      const file = path.join(dir, `${name}.pfx`);
      execFileSync('openssl', ['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', `${name}.key`, '-in', `${name}.crt`, '-out', file, '-passout', 'pass:s3nha'], { cwd: dir });
      return file;
    };
    const modern = make('modern', { name: 'EMPRESA TESTE LTDA', cnpj: cnpj }, false);
    const legacy = make('legacy', { name: 'EMPRESA TESTE LTDA', cnpj: cnpj }, true);
    const expired = make('expired', { name: 'EMPRESA TESTE LTDA', cnpj: cnpj, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01T12:00:00Z') }, false);
    const foreign = make('foreign', { name: 'OUTRA LTDA', cnpj: withCnpjCheckDigits('998877660001') }, false);

    expect((await run('company', 'cert', '--cnpj', cnpj, '--pfx', modern, '--password', 's3nha')).code).toBe(0);
    const l = await run('company', 'cert', '--cnpj', cnpj, '--pfx', legacy, '--password', 's3nha');
    expect(l.code).toBe(0);
    expect(l.out.join('\n')).toMatch(/Certificado importado/);
    const wrong = await run('company', 'cert', '--cnpj', cnpj, '--pfx', legacy, '--password', 'errada');
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/Senha do certificado inválida/);
    const e = await run('company', 'cert', '--cnpj', cnpj, '--pfx', expired, '--password', 's3nha');
    expect(e.code).not.toBe(0);
    expect(e.err).toMatch(/vencido em 01\/01\/2021/);
    const f = await run('company', 'cert', '--cnpj', cnpj, '--pfx', foreign, '--password', 's3nha');
    expect(f.code).not.toBe(0);
    expect(f.err).toMatch(/difere do CNPJ da empresa/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('company cert takes the PFX password from --password-file or FISCAL_PFX_PASSWORD', async () => {
    const cnpj = withCnpjCheckDigits('223344550001');
    const pk = (await run('partner', 'add', '--name', 'Parceiro Senha')).out.at(-1)!;
    expect((await run('company', 'add', '--partner', pk, '--cnpj', cnpj, '--uf', 'SP', '--name', 'SENHA LTDA')).code).toBe(0);
    const ca = loadOrCreateTestCa(path.join(dataDir, 'simulator'));
    const issued = issueCompanyCertificate(ca, { name: 'SENHA LTDA', cnpj });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-pfx-'));
    try {
      const pfx = path.join(dir, 'a1.pfx');
      fs.writeFileSync(pfx, toPfx({ keyPem: issued.keyPem, certPem: issued.certPem, chainPems: [ca.certPem] }, 'senha com espaço'));
      const file = path.join(dir, 'senha.txt');
      fs.writeFileSync(file, 'senha com espaço\n', { mode: 0o600 });
      const fromFile = await run('company', 'cert', '--cnpj', cnpj, '--pfx', pfx, '--password-file', file);
      expect([fromFile.code, fromFile.out.at(-1)]).toEqual([0, expect.stringMatching(/^Certificado importado/)]);

      process.env.FISCAL_PFX_PASSWORD = 'senha com espaço';
      const fromEnv = await run('company', 'cert', '--cnpj', cnpj, '--pfx', pfx);
      expect([fromEnv.code, fromEnv.out.at(-1)]).toEqual([0, expect.stringMatching(/^Certificado importado/)]);
      process.env.FISCAL_PFX_PASSWORD = 'errada';
      const wrong = await run('company', 'cert', '--cnpj', cnpj, '--pfx', pfx);
      expect(wrong.code).not.toBe(0);
      expect(wrong.err).toMatch(/Senha do certificado inválida/);
      // --password still wins over the variable (existing scripts).
      expect((await run('company', 'cert', '--cnpj', cnpj, '--pfx', pfx, '--password', 'senha com espaço')).code).toBe(0);
      expect((await run('company', 'cert', '--cnpj', cnpj, '--pfx', pfx, '--password', 'x', '--password-file', file)).code).toBe(2);
    } finally {
      delete process.env.FISCAL_PFX_PASSWORD;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('company list and show never print secrets', async () => {
    const { cnpj, partnerKey, accessKey } = await newCompany();
    // A certificate imported with a password, so that the password could show.
    const ca = loadOrCreateTestCa(path.join(dataDir, 'simulator'));
    const issued = issueCompanyCertificate(ca, { name: 'EMPRESA TESTE LTDA', cnpj });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-pfx-'));
    try {
      const pfx = path.join(dir, 'a1.pfx');
      fs.writeFileSync(pfx, toPfx({ keyPem: issued.keyPem, certPem: issued.certPem, chainPems: [ca.certPem] }, 's3nha'));
      expect((await run('company', 'cert', '--cnpj', cnpj, '--pfx', pfx, '--password', 's3nha')).code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const list = await run('company', 'list');
    const show = await run('company', 'show', '--cnpj', cnpj);
    const text = [...list.out, ...show.out].join('\n');
    expect(text).toContain(cnpj);
    expect(text).toContain('EMPRESA TESTE LTDA');
    expect(text).not.toContain(accessKey);
    expect(text).not.toContain(partnerKey);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toContain('s3nha');
  });

  test('company csc and disable/enable', async () => {
    const { cnpj } = await newCompany();
    expect((await run('company', 'csc', '--cnpj', cnpj, '--id', '1', '--csc', 'short')).code).toBe(2);
    expect((await run('company', 'csc', '--cnpj', cnpj, '--id', '1', '--csc', 'ABCDEF0123456789ABCD')).code).toBe(0);
    expect((await run('company', 'disable', '--cnpj', cnpj)).code).toBe(0);
    expect((await run('company', 'show', '--cnpj', cnpj)).out.join('\n')).toMatch(/desabilitada/);
    expect((await run('company', 'enable', '--cnpj', cnpj)).code).toBe(0);
    const show = (await run('company', 'show', '--cnpj', cnpj)).out.join('\n');
    expect(show).toMatch(/CSC NFC-e: id 1/);
    expect(show).not.toContain('ABCDEF0123456789ABCD');
  });

  test('company dfe-ciencia on|off: the automatic ciência of the NF-e received', async () => {
    const { cnpj } = await newCompany();
    const shown = async () => (await run('company', 'show', '--cnpj', cnpj)).out.find((l) => l.startsWith('Ciência automática'));
    expect(await shown()).toBe('Ciência automática (manifestação): desligada');
    const on = await run('company', 'dfe-ciencia', '--cnpj', cnpj, 'on');
    expect([on.code, on.out.at(-1)]).toEqual([0, `Ciência automática das NF-e recebidas por ${cnpj}: ligada`]);
    expect(await shown()).toBe('Ciência automática (manifestação): ligada');
    expect((await run('company', 'dfe-ciencia', '--cnpj', cnpj, 'off')).code).toBe(0);
    expect(await shown()).toBe('Ciência automática (manifestação): desligada');
    const bad = await run('company', 'dfe-ciencia', '--cnpj', cnpj, 'sim');
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('uso: company dfe-ciencia --cnpj C on|off')]);
  });

  describe('company contingency', () => {
    /** The stored options per model, as `company show` prints them. */
    async function contingencyOf(cnpj: string): Promise<Record<string, { options: string[]; transitionMode: string }>> {
      const line = (await run('company', 'show', '--cnpj', cnpj)).out.find((l) => l.startsWith('Contingência: '))!;
      return JSON.parse(line.slice('Contingência: '.length)) as Record<string, { options: string[]; transitionMode: string }>;
    }

    test('--model 57 without --options stores the CT-e default EPEC,SVC,NONE', async () => {
      const { cnpj } = await newCompany();
      const r = await run('company', 'contingency', '--cnpj', cnpj, '--model', '57');
      expect(r.code).toBe(0);
      expect(r.out.at(-1)).toBe(`Contingência do modelo 57 de ${cnpj}: EPEC → SVC → NONE (transição invoicy)`);
      expect((await contingencyOf(cnpj))['57']).toEqual({ options: ['EPEC', 'SVC', 'NONE'], transitionMode: 'invoicy' });
    });

    test('--model 57 takes an order of EPEC, SVC and NONE and leaves the other models alone', async () => {
      const { cnpj } = await newCompany();
      expect((await run('company', 'contingency', '--cnpj', cnpj, '--model', '65', '--options', 'OFFLINE,NONE')).code).toBe(0);
      expect((await run('company', 'contingency', '--cnpj', cnpj, '--model', '57', '--options', 'svc, none')).code).toBe(0);
      const stored = await contingencyOf(cnpj);
      expect(stored['57']!.options).toEqual(['SVC', 'NONE']);
      expect(stored['65']!.options).toEqual(['OFFLINE', 'NONE']);
    });

    test.each([
      // CT-e has no off-line emission; NF-e neither; NFC-e has no SVC.
      ['57', 'EPEC,OFFLINE,NONE', 'OFFLINE', 'SVC, EPEC, NONE'],
      ['55', 'OFFLINE,NONE', 'OFFLINE', 'SVC, EPEC, NONE'],
      ['65', 'SVC,NONE', 'SVC', 'EPEC, OFFLINE, NONE'],
      ['57', 'EPEC,FSDA', 'FSDA', 'SVC, EPEC, NONE'],
    ])('--model %s --options %s is refused (%s) and nothing is stored', async (model, options, bad, offered) => {
      const { cnpj } = await newCompany();
      const r = await run('company', 'contingency', '--cnpj', cnpj, '--model', model, '--options', options);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`opção de contingência inválida para o modelo ${model}: ${bad} (use ${offered})`);
      expect(await contingencyOf(cnpj)).toEqual({});
    });
  });

  test('company layout --unknown-fields stores ignore or reject; anything else is refused', async () => {
    const { cnpj } = await newCompany();
    const policyOf = async () => (await run('company', 'show', '--cnpj', cnpj)).out.find((l) => l.startsWith('Campos desconhecidos no layout: '));
    expect(await policyOf()).toBe('Campos desconhecidos no layout: reject (rejeitados com 145)');
    const set = await run('company', 'layout', '--cnpj', cnpj, '--unknown-fields', 'ignore');
    expect(set.code).toBe(0);
    expect(set.out.at(-1)).toBe(`Campos desconhecidos no layout NF-e/NFC-e de ${cnpj}: ignore (ignorados, registrados no log)`);
    expect(await policyOf()).toBe('Campos desconhecidos no layout: ignore (ignorados, registrados no log)');
    const bad = await run('company', 'layout', '--cnpj', cnpj, '--unknown-fields', 'accept');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--unknown-fields deve ser reject ou ignore');
    expect((await run('company', 'layout', '--cnpj', cnpj, '--unknown-fields', 'reject')).code).toBe(0);
    expect(await policyOf()).toBe('Campos desconhecidos no layout: reject (rejeitados com 145)');
  });

  describe('numbering gaps', () => {
    test('company numbering --void-gaps on|off is stored and shown; anything else is refused', async () => {
      const { cnpj } = await newCompany();
      const shown = async () => (await run('company', 'show', '--cnpj', cnpj)).out.find((l) => l.startsWith('Pulos de numeração: '));
      expect(await shown()).toBe('Pulos de numeração: somente relatório');
      const on = await run('company', 'numbering', '--cnpj', cnpj, '--void-gaps', 'on');
      expect(on.code).toBe(0);
      expect(on.out.at(-1)).toBe(`Pulos de numeração de NF-e/NFC-e de ${cnpj} serão inutilizados automaticamente antes do prazo`);
      expect(await shown()).toBe('Pulos de numeração: inutilizados automaticamente');
      expect((await run('company', 'numbering', '--cnpj', cnpj, '--void-gaps', 'talvez')).code).toBe(2);
      expect((await run('company', 'numbering', '--cnpj', cnpj, '--void-gaps', 'off')).code).toBe(0);
      expect(await shown()).toBe('Pulos de numeração: somente relatório');
    });

    test('numbering gaps prints the report per model and série, filtered by --serie and --model', async () => {
      const { cnpj } = await newCompany();
      const store = await openConfiguredStore(loadConfig());
      try {
        const company = (await store.listCompanies()).find((c) => c.cnpj === cnpj)!;
        const doc = (model: '55' | '65', serie: number, numero: number, docStatus: 2 | 3 = 2) =>
          store.insertDocument(company.id, { tpAmb: '2', model, serie, numero, docStatus, stage: 'settled' });
        for (const n of [1, 2, 5, 9]) await doc('55', 1, n);
        await doc('55', 1, 7, 3);
        for (const n of [10, 12]) await doc('65', 2, n);
      } finally {
        await store.close();
      }
      const all = await run('numbering', 'gaps', '--cnpj', cnpj);
      expect(all.code).toBe(0);
      expect(all.out).toEqual([
        `Pulos de numeração de ${cnpj} (homologacao):`,
        'NFe série 1: 5 faltando: 3-4, 6-8',
        'NFCe série 2: 1 faltando: 11',
      ]);
      expect((await run('numbering', 'gaps', '--cnpj', cnpj, '--serie', '2')).out.slice(1)).toEqual(['NFCe série 2: 1 faltando: 11']);
      expect((await run('numbering', 'gaps', '--cnpj', cnpj, '--model', '65', '--serie', '1')).out.slice(1)).toEqual(['Nenhum pulo de numeração encontrado']);
      expect((await run('numbering', 'gaps', '--cnpj', cnpj, '--model', '99')).code).toBe(2);
    });
  });

  test('secrets are not stored in plain text in the database file', async () => {
    const { cnpj, accessKey } = await newCompany();
    expect((await run('company', 'csc', '--cnpj', cnpj, '--id', '1', '--csc', 'ABCDEF0123456789ABCD')).code).toBe(0);
    const files = fs.readdirSync(dataDir).filter((f) => f.endsWith('.db') || f.endsWith('-wal'));
    const raw = files.map((f) => fs.readFileSync(path.join(dataDir, f)).toString('latin1')).join('');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).not.toContain(accessKey);
    expect(raw).not.toContain('ABCDEF0123456789ABCD');
  });
});

describe('logs command', () => {
  test('finds the lines of a chave and the other lines of the same calls', async () => {
    const logDir = path.join(dataDir, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const chave = '35251112345678000195550010000001231129834766';
    const lines = [
      { timestamp: '2026-11-20T10:00:00.000Z', level: 'info', message: 'soap call', requestId: 'req-1', kind: 'Envio', codes: [100, 100] },
      { timestamp: '2026-11-20T10:00:00.100Z', level: 'info', message: 'documento autorizado', requestId: 'req-1', chave, numero: '123', cStat: '100' },
      { timestamp: '2026-11-20T11:00:00.000Z', level: 'info', message: 'soap call', requestId: 'req-2', kind: 'Consulta' },
    ];
    fs.writeFileSync(path.join(logDir, 'fiscal-gateway-2026-11-20.log'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await run('logs', '--chave', chave);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(2);
    expect(r.out[0]).toMatch(/soap call .*kind=Envio/);
    expect(r.out[1]).toContain(`chave=${chave}`);
    expect((await run('logs', '--request', 'req-2')).out).toHaveLength(1);
    expect((await run('logs', '--chave', chave, '--since', '2026-11-21T00:00:00Z')).out).toEqual(['Nenhuma linha de log encontrada.']);
    expect((await run('logs')).code).toBe(2);
  });
});

describe('DF-e distribution commands', () => {
  test('company dfe opts a company in and out per model; dfe status shows position, hold, backlog and oldest gap', async () => {
    const { cnpj } = await newCompany('DESTINATARIA LTDA');
    const other = await newCompany('OUTRA LTDA');
    const on = await run('company', 'dfe', '--cnpj', cnpj, '--model', '55', 'on');
    expect(on).toMatchObject({ code: 0, out: [`Distribuição DF-e do modelo 55 de ${cnpj} ativada (a partir do NSU 000000000000000)`] });
    expect((await run('company', 'dfe', '--cnpj', cnpj, '--model', '57', 'on')).code).toBe(0);
    expect((await run('company', 'dfe', '--cnpj', other.cnpj, '--model', '55', 'on')).code).toBe(0);
    expect((await run('company', 'dfe', '--cnpj', cnpj, '--model', '65', 'on')).err).toMatch(/--model deve ser 55 \(NF-e\) ou 57 \(CT-e\)/);
    expect((await run('company', 'dfe', '--cnpj', cnpj, '--model', '55')).code).toBe(2);

    // A position as the capture leaves it: caught up (held), one call this hour, two missing NSUs.
    const store = await openConfiguredStore(loadConfig());
    try {
      const company = (await store.listCompanies()).find((c) => c.cnpj === cnpj)!;
      const state = (await store.getDfeState(company.id, '55'))!;
      const at = new Date();
      const holdUntil = new Date(at.getTime() + 3_600_000);
      await store.recordDfeStep(company.id, '55', {
        state: { ...state, ultNSU: '000000000000120', maxNSU: '000000000000120', holdUntil, callLog: [at] }, at,
        missing: [{ from: '000000000000029', to: '000000000000030' }],
      });
    } finally {
      await store.close();
    }
    const status = await run('dfe', 'status', '--cnpj', cnpj);
    expect(status.code).toBe(0);
    expect(status.out).toHaveLength(2);
    expect(status.out[0]).toMatch(new RegExp(`^${cnpj} tpAmb 2 modelo 55: ativa \\| ultNSU 000000000000120 / maxNSU 000000000000120 \\| em espera \\(sem documentos novos\\) até .+Z \\| 1 consulta\\(s\\) na última hora \\| NSUs pendentes 2, mais antigo NSU 000000000000029 \\(desde .+Z\\)`));
    expect(status.out[1]).toMatch(new RegExp(`^${cnpj} tpAmb 2 modelo 57: ativa \\| ultNSU 000000000000000 / maxNSU 000000000000000 \\| pronta \\| 0 consulta\\(s\\) na última hora \\| NSUs pendentes 0 \\|`));
    expect((await run('dfe', 'status')).out.some((l) => l.startsWith(`${other.cnpj} `))).toBe(true);

    expect((await run('company', 'dfe', '--cnpj', cnpj, '--model', '55', 'off')).out).toEqual([`Distribuição DF-e do modelo 55 de ${cnpj} desativada (a posição é mantida)`]);
    expect((await run('dfe', 'status', '--cnpj', cnpj)).out[0]).toMatch(/modelo 55: desativada \| ultNSU 000000000000120/);
    const third = await newCompany('SEM DFE LTDA');
    expect((await run('dfe', 'status', '--cnpj', third.cnpj)).out).toEqual([`Nenhuma distribuição DF-e configurada para o CNPJ ${third.cnpj}.`]);
  });
});
