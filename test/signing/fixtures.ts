// Shared helpers for the signing tests: temp dirs, external tools (openssl, xmlsec1) and small
// minified documents shaped like the real NF-e, evento and inutilização messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildChave } from '../../src/fiscal/chave';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';

export const NFE_NS = 'http://www.portalfiscal.inf.br/nfe';
export const CNPJ = withCnpjCheckDigits('123456780001');
export const OTHER_CNPJ = withCnpjCheckDigits('987654320001');
export const CHAVE = buildChave({ cUF: '35', aamm: '2501', cnpj: CNPJ, mod: '55', serie: 1, nNF: 1, tpEmis: 1, cNF: '00000001' });

export interface TempDir {
  dir: string;
  write(name: string, content: string | Buffer): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fg-signing-'));
  return {
    dir,
    write: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a tool; returns exit status and stdout+stderr (openssl reports on stderr). */
export function run(cmd: string, args: string[]): { status: number; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** Minified NF-e; `extra` lets a test grow it (items) or add characters that need escaping. */
export function nfeXml(extra = ''): string {
  return (
    `<NFe xmlns="${NFE_NS}"><infNFe versao="4.00" Id="NFe${CHAVE}">` +
    `<ide><cUF>35</cUF><cNF>00000001</cNF><natOp>VENDA &amp; REMESSA</natOp><mod>55</mod><serie>1</serie><nNF>1</nNF></ide>` +
    `<emit><CNPJ>${CNPJ}</CNPJ><xNome>EMPRESA TESTE LTDA</xNome></emit>${extra}` +
    `</infNFe></NFe>`
  );
}

export function eventoXml(): string {
  return (
    `<evento xmlns="${NFE_NS}" versao="1.00"><infEvento Id="ID110111${CHAVE}01">` +
    `<cOrgao>35</cOrgao><tpAmb>2</tpAmb><CNPJ>${CNPJ}</CNPJ><chNFe>${CHAVE}</chNFe>` +
    `<dhEvento>2025-01-10T10:00:00-03:00</dhEvento><tpEvento>110111</tpEvento><nSeqEvento>1</nSeqEvento>` +
    `<verEvento>1.00</verEvento><detEvento versao="1.00"><descEvento>Cancelamento</descEvento>` +
    `<nProt>135250000000001</nProt><xJust>Erro na digitacao dos dados</xJust></detEvento></infEvento></evento>`
  );
}

export function inutXml(): string {
  return (
    `<inutNFe xmlns="${NFE_NS}" versao="4.00"><infInut Id="ID35251234567800019555001000000001000000010">` +
    `<tpAmb>2</tpAmb><xServ>INUTILIZAR</xServ><cUF>35</cUF><ano>25</ano><CNPJ>${CNPJ}</CNPJ><mod>55</mod>` +
    `<serie>1</serie><nNFIni>1</nNFIni><nNFFin>10</nNFFin><xJust>Falha no sistema emissor</xJust></infInut></inutNFe>`
  );
}
