// Client of a running simulator's admin API (/__admin/…): used by the `simulator fault …` commands
// and by a gateway pointed at an external simulator (SIM_URL) to register NFC-e CSCs.
import * as http from 'node:http';
import * as https from 'node:https';

export interface AdminResponse { status: number; text: string }

export function adminRequest(baseUrl: string, method: string, pathname: string, body?: unknown, caPem?: string): Promise<AdminResponse> {
  const url = new URL(pathname, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: caPem, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function registerCscRemote(baseUrl: string, caPem: string, cnpj: string, idCsc: string, csc: string): Promise<void> {
  const res = await adminRequest(baseUrl, 'POST', '/__admin/csc', { cnpj, idCsc, csc }, caPem);
  if (res.status >= 300) throw new Error(`simulador recusou o CSC (HTTP ${res.status}): ${res.text}`);
}
