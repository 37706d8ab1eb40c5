// How an ERP builds a recepcao.Execute call: documents escaped into DadosItem, EmpCK = md5 of the
// company access key followed by the first document.
import { createHash } from 'node:crypto';
import { escapeXml } from '../../src/xml/parse';

export interface CallerKeys { partnerKey: string; accessKey: string }

export function empCK(accessKey: string, firstDocument: string): string {
  return createHash('md5').update(accessKey + firstDocument, 'utf8').digest('hex');
}

/** The SOAP 1.1 request; `empCk` overrides the computed hash (wrong-key tests). */
export function executeEnvelope(keys: CallerKeys, documents: string[], opts: { parametros?: (string | undefined)[]; empCk?: string } = {}): string {
  const parametros = opts.parametros ?? [];
  const items = documents
    .map((d, i) => `<inv:DadosItem><inv:Documento>${escapeXml(d)}</inv:Documento>${parametros[i] ? `<inv:Parametros>${escapeXml(parametros[i]!)}</inv:Parametros>` : ''}</inv:DadosItem>`)
    .join('');
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:inv="InvoiCy"><soapenv:Header/><soapenv:Body>' +
    `<inv:recepcao.Execute><inv:Invoicyrecepcao><inv:Cabecalho><inv:EmpPK>${escapeXml(keys.partnerKey)}</inv:EmpPK><inv:EmpCK>${opts.empCk ?? empCK(keys.accessKey, documents[0] ?? '')}</inv:EmpCK></inv:Cabecalho>` +
    `<inv:Dados>${items}</inv:Dados></inv:Invoicyrecepcao></inv:recepcao.Execute></soapenv:Body></soapenv:Envelope>`
  );
}
