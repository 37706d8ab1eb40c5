// Serves our copy of InvoiCy's WSDL (wsdl/arecepcao.wsdl) with soap:address pointing at the URL the
// client used to reach us, so WSDL-proxy clients post back to the same host (behind proxies too).
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { projectRoot } from '../project';
import { escapeXml } from '../xml/parse';

const ADDRESS_PLACEHOLDER = '{{SOAP_ADDRESS}}';
export const SERVICE_PATH = '/arecepcao.aspx';

let template: string | undefined;

function wsdlTemplate(): string {
  template ??= fs.readFileSync(path.join(projectRoot(), 'wsdl', 'arecepcao.wsdl'), 'utf8');
  return template;
}

/** The WSDL with `<publicBaseUrl>/arecepcao.aspx` as soap:address. */
export function renderWsdl(publicBaseUrl: string): string {
  return wsdlTemplate().replace(ADDRESS_PLACEHOLDER, escapeXml(publicBaseUrl.replace(/\/+$/, '') + SERVICE_PATH));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const first = v?.split(',')[0]?.trim();
  return first || undefined;
}

/** Base URL as seen by the client: X-Forwarded-Proto/-Host when a proxy set them, else protocol + Host. */
export function publicBaseUrl(headers: IncomingHttpHeaders, protocol: string): string {
  const proto = firstHeader(headers['x-forwarded-proto']) ?? protocol;
  const host = firstHeader(headers['x-forwarded-host']) ?? firstHeader(headers.host) ?? 'localhost';
  return `${proto}://${host}`;
}
