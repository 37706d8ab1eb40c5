// Validation steps shared by the services: XSD (step 4) and XMLDSig + certificate CNPJ (step 5).
import * as path from 'node:path';
import type { Document } from '@xmldom/xmldom';
import { cnpjRoot } from '../fiscal/cnpj';
import { verifyXmlSignature } from '../signing/xmldsig';
import { loadXsdValidator } from '../xml/xsd';
import { reject, type Rejection } from './cstat';
import type { SimulatorCore } from './context';

/** First XSD error of `xml` against `<folder>/<file>` (undefined when valid or when no schemasDir is set). */
export async function schemaError(core: SimulatorCore, file: string, xml: string, folder: 'nfe' | 'cte' = 'nfe'): Promise<string | undefined> {
  if (!core.options.schemasDir) return undefined;
  const validator = await loadXsdValidator(path.join(core.options.schemasDir, folder, file));
  const result = validator.validate(xml);
  return result.ok ? undefined : (result.errors[0] ?? 'erro de schema');
}

export type SignatureCheck = { ok: true; digestValue: string } | { ok: false; rejection: Rejection };

/**
 * Verifies the enveloped signature of `tag` against the simulator CA and that the signing
 * certificate belongs to the same CNPJ root as `ownerCnpj` (213). CPF owners are compared whole.
 * `xml` may be the document already parsed by parseForVerification.
 */
export function checkSignature(core: SimulatorCore, xml: string | Document, tag: string, ownerCnpj: string | undefined): SignatureCheck {
  const result = verifyXmlSignature(xml, { tag, trustedCaPems: [core.ca.certPem], now: core.now() });
  if (!result.ok) return { ok: false, rejection: { cStat: result.cStat, xMotivo: result.xMotivo } };
  if (ownerCnpj && (!result.cnpj || cnpjRoot(result.cnpj) !== cnpjRoot(ownerCnpj))) {
    return { ok: false, rejection: reject('213') };
  }
  return { ok: true, digestValue: result.digestValue };
}
