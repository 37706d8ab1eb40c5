#!/usr/bin/env node
// The `fiscal-gateway` command: serve, simulator, partner, company, numbering, dfe, logs.
import { loadConfig, ConfigError, type GatewayConfig } from '../config';
import { openConfiguredStore, startGateway } from '../app';
import { closeFileLogging, enableFileLogging, log } from '../log/logger';
import { simulatorCommand } from '../simulator/cli';
import { PRIVATE_UMASK } from '../private-files';
import { VERSION } from '../project';
import { optional, parseFlags, UsageError } from './args';
import { companyCommand, partnerCommand, type CliIo } from './company';
import { dfeStatus } from './dfe';
import { searchLogs } from './logs';
import { numberingCommand } from './numbering';
import { seedSandbox } from './seed';

const USAGE = `fiscal-gateway ${VERSION}

uso:
  fiscal-gateway serve
  fiscal-gateway simulator [fault …|scenario FILE]
  fiscal-gateway partner add --name NOME
  fiscal-gateway company add --partner CHAVE_PARCEIRO --cnpj CNPJ --uf UF --name NOME [--ie IE] [--env homologacao|producao]
  fiscal-gateway company cert --cnpj CNPJ (--pfx ARQUIVO [--password-file ARQUIVO | --password SENHA] | --test)
      (senha também por FISCAL_PFX_PASSWORD ou, num terminal, digitada sem eco)
  fiscal-gateway company csc --cnpj CNPJ --id ID --csc CSC
  fiscal-gateway company contingency --cnpj CNPJ --model 55|65 --options SVC,EPEC,NONE [--mode invoicy|focus --serie N]
  fiscal-gateway company layout --cnpj CNPJ --unknown-fields reject|ignore
  fiscal-gateway company dfe --cnpj CNPJ --model 55|57 on|off
  fiscal-gateway company numbering --cnpj CNPJ --void-gaps on|off
  fiscal-gateway company enable|disable --cnpj CNPJ
  fiscal-gateway company list
  fiscal-gateway company show --cnpj CNPJ
  fiscal-gateway numbering gaps --cnpj CNPJ [--serie N] [--model 55|65|57]
  fiscal-gateway dfe status [--cnpj CNPJ]
  fiscal-gateway logs (--chave CHAVE | --cnpj CNPJ | --request ID | --numero N) [--since AAAA-MM-DDThh:mm:ss]

Configuração por variáveis de ambiente: veja o README.`;

const io: CliIo = { out: (line) => process.stdout.write(line + '\n') };

async function serve(config: GatewayConfig): Promise<void> {
  enableFileLogging(config.logDir);
  if (config.masterKeyGenerated) {
    log.warn(`MASTER_KEY não definida: uma chave foi gerada em ${config.dataDir}/master.key (apenas para o modo simulador; defina MASTER_KEY em produção)`);
  }
  const store = await openConfiguredStore(config);
  if (config.sefazMode === 'simulator') {
    const banner = await seedSandbox(config, store);
    if (banner) for (const line of banner) io.out(line);
  }
  const gateway = await startGateway(config, { store });
  log.info('fiscal-gateway no ar', { url: `${gateway.url}/arecepcao.aspx`, wsdl: `${gateway.url}/arecepcao.aspx?wsdl`, store: store.kind, sefazMode: config.sefazMode, version: VERSION });
  const stop = async (signal: string) => {
    log.info('encerrando', { signal });
    await gateway.close();
    await store.close();
    await closeFileLogging();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function withStore<T>(config: GatewayConfig, fn: (store: Awaited<ReturnType<typeof openConfiguredStore>>) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config);
  try { return await fn(store); } finally { await store.close(); }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // Everything this process creates (database, logs, keys, simulator state) is private to its user.
  process.umask(PRIVATE_UMASK);
  try {
    switch (command) {
      case 'serve':
        await serve(loadConfig());
        return -1; // keeps running
      case 'simulator':
        return await simulatorCommand(rest);
      case 'partner': {
        const config = loadConfig();
        await withStore(config, (store) => partnerCommand(store, rest, io));
        return 0;
      }
      case 'company': {
        const config = loadConfig();
        await withStore(config, (store) => companyCommand(config, store, rest, io));
        return 0;
      }
      case 'dfe': {
        const [sub, ...args] = rest;
        if (sub !== 'status') throw new UsageError('uso: dfe status [--cnpj CNPJ]');
        const { flags } = parseFlags(args, { cnpj: { type: 'string' } });
        await withStore(loadConfig(), (store) => dfeStatus(store, io, { cnpj: optional(flags, 'cnpj') }));
        return 0;
      }
      case 'numbering': {
        const config = loadConfig();
        await withStore(config, (store) => numberingCommand(store, rest, io));
        return 0;
      }
      case 'logs': {
        const config = loadConfig();
        const { flags } = parseFlags(rest, { chave: { type: 'string' }, cnpj: { type: 'string' }, request: { type: 'string' }, numero: { type: 'string' }, since: { type: 'string' } });
        const since = optional(flags, 'since');
        const sinceDate = since ? new Date(since) : undefined;
        if (sinceDate && Number.isNaN(sinceDate.getTime())) throw new UsageError(`--since inválido: ${since}`);
        const filter = { chave: optional(flags, 'chave'), cnpj: optional(flags, 'cnpj'), requestId: optional(flags, 'request'), numero: optional(flags, 'numero'), since: sinceDate };
        if (!filter.chave && !filter.cnpj && !filter.requestId && !filter.numero) throw new UsageError('informe --chave, --cnpj, --request ou --numero');
        const lines = await searchLogs(config.logDir, filter);
        if (lines.length === 0) io.out('Nenhuma linha de log encontrada.');
        for (const line of lines) io.out(line);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      case '--version':
        io.out(VERSION);
        return 0;
      default:
        throw new UsageError(`comando desconhecido: ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`erro: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write('use "fiscal-gateway help" para ver os comandos\n');
      return 2;
    }
    process.stderr.write(`erro: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // A rejection is left to Node's unhandled-rejection exit (stack trace, status 1).
  void main(process.argv.slice(2)).then((code) => { if (code >= 0) process.exitCode = code; });
}
