#!/usr/bin/env node
// Development-time generator: turns nfephp sped-cte's storage/wscte_4.00_mod57.xml (the endpoint list
// cte.md §2.3 names as the source) into src/sefaz/endpoints/cte-endpoints.json. The product reads only
// the committed JSON; re-run this when the list is updated:
//   node scripts/generate-cte-endpoints.js path/to/wscte_4.00_mod57.xml
// The list has no SVC rows: SVC-RS answers on the SVRS hosts and SVC-SP on SP's `…/CTeWS/WS/…V4.asmx`
// (cte.md §4.1, as wmixvideo/nfe routes by the key's tpEmis), so those rows are copied from them.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const source = process.argv[2];
if (!source) throw new Error('usage: node scripts/generate-cte-endpoints.js path/to/wscte_4.00_mod57.xml');
const outPath = path.resolve(repoRoot, 'src/sefaz/endpoints/cte-endpoints.json');

// Element of the list → our service name. CT-e Simplificado and QR code are not served.
const SERVICES = { CteRecepcao: 'CteRecepcaoSinc', CteConsultaProtocolo: 'CteConsulta', CteStatusServico: 'CteStatusServico', CteRecepcaoEvento: 'CteRecepcaoEvento' };
const AUTHORIZERS = ['MG', 'MS', 'MT', 'PR', 'RS', 'SP', 'SVRS', 'SVSP'];
// The Ambiente Nacional serves only the DF-e distribution; the list puts the operation in `method`,
// the WSDL's method is cteDistDFeInteresse (dfe-distribution.md §9).
const AN_SERVICES = { CTeDistribuicaoDFe: { service: 'CteDistribuicaoDFe', method: 'cteDistDFeInteresse' } };
const SVC_HOSTS = { SVCRS: 'SVRS', SVCSP: 'SP' };

const xml = fs.readFileSync(source, 'utf8');
const rows = [];
for (const uf of xml.matchAll(/<UF>\s*<sigla>(\w+)<\/sigla>([\s\S]*?)<\/UF>/g)) {
  const authorizer = uf[1];
  if (!AUTHORIZERS.includes(authorizer) && authorizer !== 'AN') continue;
  for (const [envTag, env] of [['homologacao', 'homo'], ['producao', 'prod']]) {
    const block = new RegExp(`<${envTag}>([\\s\\S]*?)</${envTag}>`).exec(uf[2]);
    if (!block) throw new Error(`${authorizer}: ${envTag} missing`);
    for (const m of block[1].matchAll(/<(\w+) method='(\w+)' operation='(\w+)' version='([\d.]+)'>([^<]+)<\/\1>/g)) {
      if (authorizer === 'AN') {
        const an = AN_SERVICES[m[1]];
        if (an) rows.push({ model: '57', authorizer, env, service: an.service, operation: m[3], method: an.method, version: m[4], url: m[5].trim() });
        continue;
      }
      const service = SERVICES[m[1]];
      if (service) rows.push({ model: '57', authorizer, env, service, operation: m[3], method: m[2], version: m[4], url: m[5].trim() });
    }
  }
}
for (const [svc, host] of Object.entries(SVC_HOSTS)) {
  for (const r of rows.filter((x) => x.authorizer === host)) rows.push({ ...r, authorizer: svc });
}
for (const a of [...AUTHORIZERS, ...Object.keys(SVC_HOSTS)]) {
  for (const env of ['homo', 'prod']) {
    const n = rows.filter((r) => r.authorizer === a && r.env === env).length;
    if (n !== Object.keys(SERVICES).length) throw new Error(`${a} ${env}: ${n} services`);
  }
}
for (const env of ['homo', 'prod']) {
  const n = rows.filter((r) => r.authorizer === 'AN' && r.env === env).length;
  if (n !== Object.keys(AN_SERVICES).length) throw new Error(`AN ${env}: ${n} services`);
}
const data = { source: 'nfephp sped-cte storage/wscte_4.00_mod57.xml; SVC-RS = SVRS hosts, SVC-SP = SP hosts (cte.md §4.1)', endpoints: rows };
fs.mkdirSync(path.dirname(outPath), { recursive: true });
// One row per line keeps the file reviewable and its diffs small.
const body = JSON.stringify(data, null, 1).replace(/\{\n\s+("model"[^}]*?)\n\s+\}/g, (_, inner) => `{ ${inner.replace(/\n\s+/g, ' ')} }`);
fs.writeFileSync(outPath, `${body}\n`);
console.log(`${rows.length} endpoints -> ${path.relative(repoRoot, outPath)}`);
