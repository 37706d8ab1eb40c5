import { parseMssqlUrl } from '../../src/store/mssql';

describe('parseMssqlUrl', () => {
  it.each([
    ['mssql://sa:p%40ss@db.local:1433/fiscal?encrypt=true&trustServerCertificate=true',
      { server: 'db.local', port: 1433, database: 'fiscal', user: 'sa', password: 'p@ss', options: { encrypt: true, trustServerCertificate: true } }],
    ['mssql://u:p@10.0.0.5/erp',
      { server: '10.0.0.5', port: 1433, database: 'erp', options: { encrypt: true, trustServerCertificate: false } }],
    ['mssql://u:p@srv/erp?instanceName=SQLEXPRESS&encrypt=false&connectTimeout=3000&poolMax=4',
      { server: 'srv', port: undefined, database: 'erp', connectionTimeout: 3000, pool: { max: 4, min: 0 }, options: { encrypt: false, instanceName: 'SQLEXPRESS' } }],
    ['sqlserver://u:p@srv:14330/erp', { port: 14330 }],
  ])('parses %s', (url, expected) => {
    expect(parseMssqlUrl(url)).toMatchObject(expected);
  });

  it.each([
    ['not a url', 'MSSQL_URL inválida'],
    ['postgres://u:p@h/db', 'protocolo inesperado'],
    ['mssql://u:p@host', 'servidor e banco'],
    ['mssql://u:p@host/db?connectTimeout=abc', 'connectTimeout inválido'],
  ])('refuses %s', (url, message) => {
    expect(() => parseMssqlUrl(url)).toThrow(message);
  });
});
