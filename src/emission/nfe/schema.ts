// XSD validation of a signed NF-e/NFC-e against the official schemas (when configured).
import path from 'node:path';
import { loadXsdValidator } from '../../xml/xsd';
import type { CompanyContext } from '../context';

/** The schema errors of a signed NF-e/NFC-e; undefined when valid or when no schemas are configured. */
export async function schemaErrors(ctx: CompanyContext, signedXml: string): Promise<string[] | undefined> {
  if (!ctx.deps.schemasDir) return undefined;
  const validator = await loadXsdValidator(path.join(ctx.deps.schemasDir, 'nfe', 'nfe_v4.00.xsd'));
  const v = validator.validate(signedXml);
  return v.ok ? undefined : v.errors;
}
