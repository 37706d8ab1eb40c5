// `fiscal-gateway partner …` and `company …`: the operator's commands. Keys are printed once, as the
// last line of stdout, so scripts can capture them; listings never print secrets.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { isValidCnpj, normalizeCnpj } from '../fiscal/cnpj';
import { isUf } from '../fiscal/ufs';
import { checkCertificateForCompany, loadPfx } from '../signing/pfx';
import { issueCompanyCertificate, loadOrCreateTestCa, toPfx } from '../signing/testca';
import type { Company, ContingencyOption, DocModel, Environment, Store, UnknownFieldsPolicy } from '../store';
import { simulatorDataDir } from '../app';
import { defaultOptions, offeredOptions } from '../contingency/policy';
import { optional, parseFlags, required, UsageError, type Flags } from './args';
import { pfxPassword } from './password';

export interface CliIo {
  out(line: string): void;
}

function parseEnvironment(value: string | undefined): Environment {
  if (!value || value === 'homologacao' || value === 'homologação') return 'homologacao';
  if (value === 'producao' || value === 'produção') return 'producao';
  throw new UsageError('--env deve ser homologacao ou producao');
}

/** Finds the one company with this CNPJ (optionally per environment); ambiguity is a usage error. */
export async function companyByCnpj(store: Store, flags: Flags): Promise<Company> {
  const cnpj = normalizeCnpj(required(flags, 'cnpj'));
  const env = optional(flags, 'env');
  const found = (await store.listCompanies()).filter((c) => c.cnpj === cnpj && (!env || c.environment === parseEnvironment(env)));
  if (found.length === 0) throw new UsageError(`nenhuma empresa com CNPJ ${cnpj}${env ? ` em ${env}` : ''}`);
  if (found.length > 1) throw new UsageError(`CNPJ ${cnpj} existe em homologação e produção: informe --env`);
  return found[0];
}

const UNKNOWN_FIELDS_TEXT: Record<UnknownFieldsPolicy, string> = {
  reject: 'reject (rejeitados com 145)',
  ignore: 'ignore (ignorados, registrados no log)',
};

export function describeCompany(c: Company): string[] {
  return [
    `CNPJ: ${c.cnpj}`,
    `Razão social: ${c.name}`,
    `UF: ${c.uf}`,
    `IE: ${c.ie ?? '-'}`,
    `Ambiente: ${c.environment}`,
    `Situação: ${c.enabled ? 'habilitada' : 'desabilitada'}`,
    `Parceiro: ${c.partnerId}`,
    `CSC NFC-e: ${c.hasCsc ? `id ${c.cscId}` : 'não configurado'}`,
    `Contingência: ${JSON.stringify(c.contingency)}`,
    `Campos desconhecidos no layout: ${UNKNOWN_FIELDS_TEXT[c.unknownFields]}`,
    `Pulos de numeração: ${c.voidGaps ? 'inutilizados automaticamente' : 'somente relatório'}`,
    `Ciência automática (manifestação): ${c.autoCiencia ? 'ligada' : 'desligada'}`,
    `Criada em: ${c.createdAt.toISOString()}`,
  ];
}

export async function partnerCommand(store: Store, argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'add') {
    const { flags } = parseFlags(rest, { name: { type: 'string' } });
    const created = await store.createPartner(required(flags, 'name'));
    io.out(`Parceiro criado: ${created.partner.name} (${created.partner.id})`);
    io.out('Guarde a chave do parceiro (EmpPK): ela não será mostrada de novo.');
    io.out(created.partnerKey);
    return;
  }
  if (sub === 'list') {
    for (const p of await store.listPartners()) io.out(`${p.id}  ${p.name}  ${p.createdAt.toISOString()}`);
    return;
  }
  throw new UsageError('uso: partner add --name NOME | partner list');
}

export async function createTestCertificate(config: GatewayConfig, store: Store, company: Company): Promise<void> {
  const ca = loadOrCreateTestCa(simulatorDataDir(config));
  const issued = issueCompanyCertificate(ca, { name: company.name, cnpj: company.cnpj });
  const password = randomBytes(12).toString('base64url');
  const pfx = toPfx({ ...issued, chainPems: [ca.certPem] }, password);
  await importCertificate(store, company, pfx, password);
}

async function importCertificate(store: Store, company: Company, pfx: Buffer, password: string): Promise<string> {
  const cert = loadPfx(pfx, password);
  checkCertificateForCompany(cert, { cnpj: company.cnpj });
  await store.saveCertificate(company.id, {
    pfx, password, keyPem: cert.keyPem, certPem: cert.certPem, subject: cert.subject,
    cnpj: cert.cnpj ?? null, serial: cert.serialNumber, notBefore: cert.notBefore, notAfter: cert.notAfter,
  });
  return `Certificado importado: ${cert.commonName}, válido até ${cert.notAfter.toISOString().slice(0, 10)}`;
}

export async function companyCommand(config: GatewayConfig, store: Store, argv: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'add': {
      const { flags } = parseFlags(rest, {
        partner: { type: 'string' }, cnpj: { type: 'string' }, uf: { type: 'string' }, name: { type: 'string' },
        ie: { type: 'string' }, env: { type: 'string' },
      });
      const partner = await store.findPartnerByKey(required(flags, 'partner'));
      if (!partner) throw new UsageError('chave de parceiro (--partner) desconhecida');
      const cnpj = normalizeCnpj(required(flags, 'cnpj'));
      if (!isValidCnpj(cnpj)) throw new UsageError(`CNPJ inválido (dígitos verificadores não conferem): ${cnpj}`);
      const uf = required(flags, 'uf').toUpperCase();
      if (!isUf(uf)) throw new UsageError(`UF inválida: ${uf}`);
      const created = await store.createCompany({
        partnerId: partner.id, cnpj, uf, name: required(flags, 'name'), ie: optional(flags, 'ie') ?? null,
        environment: parseEnvironment(optional(flags, 'env')),
      });
      io.out(`Empresa criada: ${created.company.name} (CNPJ ${cnpj}, ${created.company.environment})`);
      io.out('Guarde a chave de acesso da empresa (usada no EmpCK): ela não será mostrada de novo.');
      io.out(created.accessKey);
      return;
    }
    case 'cert': {
      const { flags } = parseFlags(rest, {
        cnpj: { type: 'string' }, env: { type: 'string' }, pfx: { type: 'string' }, password: { type: 'string' }, 'password-file': { type: 'string' }, test: { type: 'boolean' },
      });
      const company = await companyByCnpj(store, flags);
      if (flags.test) {
        if (config.sefazMode !== 'simulator') throw new UsageError('--test só é permitido com SEFAZ_MODE=simulator');
        await createTestCertificate(config, store, company);
        io.out(`Certificado de teste emitido pela AC do simulador para ${company.cnpj}`);
        return;
      }
      const file = required(flags, 'pfx');
      if (!fs.existsSync(file)) throw new UsageError(`arquivo não encontrado: ${file}`);
      const password = await pfxPassword(flags, process.env, { input: process.stdin, output: process.stderr });
      io.out(await importCertificate(store, company, fs.readFileSync(file), password));
      return;
    }
    case 'csc': {
      const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' }, id: { type: 'string' }, csc: { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      const id = required(flags, 'id');
      const csc = required(flags, 'csc');
      if (!/^\d{1,6}$/.test(id)) throw new UsageError('--id do CSC deve ter de 1 a 6 dígitos');
      if (!/^[0-9A-Za-z-]{16,36}$/.test(csc)) throw new UsageError('--csc deve ter de 16 a 36 caracteres alfanuméricos');
      await store.updateCompany(company.id, { cscId: id, csc });
      io.out(`CSC ${id} configurado para ${company.cnpj}`);
      return;
    }
    case 'contingency': {
      const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' }, model: { type: 'string' }, options: { type: 'string' }, mode: { type: 'string' }, serie: { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      const model = required(flags, 'model') as DocModel;
      if (!['55', '65', '57'].includes(model)) throw new UsageError('--model deve ser 55, 65 ou 57');
      // Without --options the model's InvoiCy default order (CT-e: EPEC,SVC,NONE).
      const given = optional(flags, 'options');
      const options = given ? given.toUpperCase().split(',').map((o) => o.trim()) as ContingencyOption[] : defaultOptions(model);
      const offered = offeredOptions(model);
      const bad = options.find((o) => !offered.includes(o));
      if (bad) throw new UsageError(`opção de contingência inválida para o modelo ${model}: ${bad} (use ${offered.join(', ')})`);
      const mode = (optional(flags, 'mode') ?? 'invoicy') as 'invoicy' | 'focus';
      if (mode !== 'invoicy' && mode !== 'focus') throw new UsageError('--mode deve ser invoicy ou focus');
      const serie = optional(flags, 'serie');
      if (mode === 'focus' && !serie) throw new UsageError('o modo focus exige --serie (série reservada à numeração do gateway)');
      await store.updateCompany(company.id, {
        contingency: { ...company.contingency, [model]: { options, transitionMode: mode, ...(serie ? { transitionSerie: Number(serie) } : {}) } },
      });
      io.out(`Contingência do modelo ${model} de ${company.cnpj}: ${options.join(' → ')} (transição ${mode})`);
      return;
    }
    case 'layout': {
      const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' }, 'unknown-fields': { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      const policy = required(flags, 'unknown-fields');
      if (policy !== 'reject' && policy !== 'ignore') throw new UsageError('--unknown-fields deve ser reject ou ignore');
      await store.updateCompany(company.id, { unknownFields: policy });
      io.out(`Campos desconhecidos no layout NF-e/NFC-e de ${company.cnpj}: ${UNKNOWN_FIELDS_TEXT[policy]}`);
      return;
    }
    case 'dfe': {
      const { flags, positionals } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' }, model: { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      const model = required(flags, 'model');
      if (model !== '55' && model !== '57') throw new UsageError('--model deve ser 55 (NF-e) ou 57 (CT-e)');
      const [onOff] = positionals;
      if (positionals.length !== 1 || (onOff !== 'on' && onOff !== 'off')) throw new UsageError('uso: company dfe --cnpj CNPJ --model 55|57 on|off');
      const state = await store.setDfeEnabled(company.id, model, onOff === 'on');
      io.out(`Distribuição DF-e do modelo ${model} de ${company.cnpj} ${onOff === 'on' ? `ativada (a partir do NSU ${state.ultNSU})` : 'desativada (a posição é mantida)'}`);
      return;
    }
    case 'dfe-ciencia': {
      const { flags, positionals } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      const [value] = positionals;
      if (value !== 'on' && value !== 'off') throw new UsageError('uso: company dfe-ciencia --cnpj C on|off');
      await store.updateCompany(company.id, { autoCiencia: value === 'on' });
      io.out(`Ciência automática das NF-e recebidas por ${company.cnpj}: ${value === 'on' ? 'ligada' : 'desligada'}`);
      return;
    }
    case 'numbering': {
      const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' }, 'void-gaps': { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      const value = required(flags, 'void-gaps');
      if (value !== 'on' && value !== 'off') throw new UsageError('--void-gaps deve ser on ou off');
      await store.updateCompany(company.id, { voidGaps: value === 'on' });
      io.out(value === 'on'
        ? `Pulos de numeração de NF-e/NFC-e de ${company.cnpj} serão inutilizados automaticamente antes do prazo`
        : `Pulos de numeração de ${company.cnpj}: somente relatório (nada é inutilizado)`);
      return;
    }
    case 'enable':
    case 'disable': {
      const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      await store.updateCompany(company.id, { enabled: sub === 'enable' });
      io.out(`Empresa ${company.cnpj} ${sub === 'enable' ? 'habilitada' : 'desabilitada'}`);
      return;
    }
    case 'list': {
      const companies = await store.listCompanies();
      if (companies.length === 0) io.out('Nenhuma empresa cadastrada.');
      for (const c of companies) io.out(`${c.cnpj}  ${c.uf}  ${c.environment.padEnd(11)}  ${c.enabled ? 'habilitada   ' : 'desabilitada '}  ${c.name}`);
      return;
    }
    case 'show': {
      const { flags } = parseFlags(rest, { cnpj: { type: 'string' }, env: { type: 'string' } });
      const company = await companyByCnpj(store, flags);
      for (const line of describeCompany(company)) io.out(line);
      const certs = await store.listCertificates(company.id);
      if (certs.length === 0) io.out('Certificado: nenhum');
      for (const c of certs) io.out(`Certificado: ${c.subject} | série ${c.serial} | ${c.notBefore.toISOString().slice(0, 10)} a ${c.notAfter.toISOString().slice(0, 10)}${c.active ? ' | ativo' : ''}`);
      return;
    }
    default:
      throw new UsageError('uso: company add|cert|csc|contingency|layout|dfe|dfe-ciencia|numbering|enable|disable|list|show (veja o README)');
  }
}
