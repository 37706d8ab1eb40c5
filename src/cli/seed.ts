// First `serve` in simulator mode with an empty store: a sandbox partner, company, test certificate
// and NFC-e CSC, so a newcomer can send a document at once. The keys are printed once to the
// console (not to the log), like any other key the CLI creates.
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { withCnpjCheckDigits } from '../fiscal/cnpj';
import type { Store } from '../store';
import { createTestCertificate } from './company';

export const SANDBOX_CNPJ = withCnpjCheckDigits('112223330001');

export async function seedSandbox(config: GatewayConfig, store: Store): Promise<string[] | undefined> {
  if ((await store.listPartners()).length > 0) return undefined;
  const { partner, partnerKey } = await store.createPartner('Parceiro sandbox');
  const { company, accessKey } = await store.createCompany({
    partnerId: partner.id, cnpj: SANDBOX_CNPJ, uf: 'SP', name: 'EMPRESA SANDBOX LTDA', ie: '110042490114',
    environment: 'homologacao', cscId: '1', csc: randomBytes(18).toString('hex').toUpperCase(),
  });
  await createTestCertificate(config, store, company);
  return [
    'Ambiente sandbox criado (simulador SEFAZ, homologação):',
    `  CNPJ do emitente:          ${SANDBOX_CNPJ} (UF SP)`,
    `  Chave do parceiro (EmpPK): ${partnerKey}`,
    `  Chave de acesso (EmpCK = md5(chave de acesso + XML do documento)): ${accessKey}`,
    '  Certificado A1 de teste emitido pela AC do simulador; CSC NFC-e id 1 configurado.',
    '  Guarde estas chaves: elas não serão mostradas de novo.',
  ];
}
