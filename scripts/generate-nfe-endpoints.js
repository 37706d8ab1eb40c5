#!/usr/bin/env node
// Development-time generator: turns the Appendix A (model 55) and Appendix B (model 65) tables of
// sefaz-nfe.md into src/sefaz/endpoints/nfe-endpoints.json. The product reads only the committed JSON;
// re-run this when the reference document is updated:
//   node scripts/generate-nfe-endpoints.js [path/to/sefaz-nfe.md]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const docPath = process.argv[2] ?? path.resolve(repoRoot, '../shared/docs/sefaz-nfe.md');
const outPath = path.resolve(repoRoot, 'src/sefaz/endpoints/nfe-endpoints.json');

// urlChave ("consulta por chave") per UF and tpAmb. sefaz-nfe.md §10 does not list them and points to
// nfephp sped-nfe storage/uri_consulta_nfce.json; the values below are that file's, kept as published
// (several without scheme: SEFAZ compares the text of <urlChave>, error 878).
const URL_CHAVE = {
  1: {
    AC: 'www.sefaznet.ac.gov.br/nfce/consulta', AL: 'www.sefaz.al.gov.br/nfce/consulta',
    AP: 'www.sefaz.ap.gov.br/nfce/consulta', AM: 'www.sefaz.am.gov.br/nfce/consulta',
    BA: 'http://www.sefaz.ba.gov.br/nfce/consulta', CE: 'www.sefaz.ce.gov.br/nfce/consulta',
    DF: 'www.fazenda.df.gov.br/nfce/consulta', ES: 'www.sefaz.es.gov.br/nfce/consulta',
    GO: 'www.sefaz.go.gov.br/nfce/consulta', MA: 'www.sefaz.ma.gov.br/nfce/consulta',
    MG: 'https://portalsped.fazenda.mg.gov.br/portalnfce', MS: 'http://www.dfe.ms.gov.br/nfce/consulta',
    MT: 'http://www.sefaz.mt.gov.br/nfce/consultanfce', PA: 'www.sefa.pa.gov.br/nfce/consulta',
    PB: 'www.receita.pb.gov.br/nfce/consulta', PE: 'nfce.sefaz.pe.gov.br/nfce/consulta',
    PI: 'www.sefaz.pi.gov.br/nfce/consulta', PR: 'http://www.fazenda.pr.gov.br/nfce/consulta',
    RJ: 'www.fazenda.rj.gov.br/nfce/consulta', RN: 'www.set.rn.gov.br/nfce/consulta',
    RO: 'www.sefin.ro.gov.br/nfce/consulta', RR: 'www.sefaz.rr.gov.br/nfce/consulta',
    RS: 'www.sefaz.rs.gov.br/nfce/consulta', SC: 'https://sat.sef.sc.gov.br/nfce/consulta',
    SE: 'http://www.nfce.se.gov.br/nfce/consulta', SP: 'https://www.nfce.fazenda.sp.gov.br/NFCeConsultaPublica',
    TO: 'www.sefaz.to.gov.br/nfce/consulta',
  },
  2: {
    AC: 'www.sefaznet.ac.gov.br/nfce/consulta', AL: 'www.sefaz.al.gov.br/nfce/consulta',
    AP: 'www.sefaz.ap.gov.br/nfce/consulta', AM: 'www.sefaz.am.gov.br/nfce/consulta',
    BA: 'http://hinternet.sefaz.ba.gov.br/nfce/consulta', CE: 'www.sefaz.ce.gov.br/nfce/consulta',
    DF: 'www.fazenda.df.gov.br/nfce/consulta', ES: 'www.sefaz.es.gov.br/nfce/consulta',
    GO: 'www.nfce.go.gov.br/post/ver/214413/consulta-nfc-e-homologacao', MA: 'www.sefaz.ma.gov.br/nfce/consulta',
    MG: 'https://hportalsped.fazenda.mg.gov.br/portalnfce', MS: 'http://www.dfe.ms.gov.br/nfce/consulta',
    MT: 'http://homologacao.sefaz.mt.gov.br/nfce/consultanfce', PA: 'www.sefa.pa.gov.br/nfce/consulta',
    PB: 'www.receita.pb.gov.br/nfcehom', PE: 'nfce.sefaz.pe.gov.br/nfce/consulta',
    PI: 'www.sefaz.pi.gov.br/nfce/consulta', PR: 'http://www.fazenda.pr.gov.br/nfce/consulta',
    RJ: 'www.fazenda.rj.gov.br/nfce/consulta', RN: 'www.set.rn.gov.br/nfce/consulta',
    RO: 'www.sefin.ro.gov.br/nfce/consulta', RR: 'www.sefaz.rr.gov.br/nfce/consulta',
    RS: 'www.sefaz.rs.gov.br/nfce/consulta', SC: 'https://hom.sat.sef.sc.gov.br/nfce/consulta',
    SE: 'http://www.hom.nfe.se.gov.br/nfce/consulta', SP: 'https://www.homologacao.nfce.fazenda.sp.gov.br/NFCeConsultaPublica',
    TO: 'http://homologacao.sefaz.to.gov.br/nfce/consulta.jsf',
  },
};

/** Rows of the first markdown table after `heading`, up to the next `## ` heading. */
function tableRows(markdown, heading, model) {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`heading not found: ${heading}`);
  const next = markdown.indexOf('\n## ', start + heading.length);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const rows = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 7 || !/^(homo|prod)$/.test(cells[1])) continue;
    const [authorizer, env, service, operation, method, version, url] = cells;
    if (!/^https?:\/\//.test(url)) continue; // '—' = service not offered
    rows.push({ model, authorizer, env, service, operation, method, version, url });
  }
  if (rows.length === 0) throw new Error(`no rows under ${heading}`);
  return rows;
}

const markdown = fs.readFileSync(docPath, 'utf8');
const endpoints = [
  ...tableRows(markdown, '## Appendix A', '55'),
  ...tableRows(markdown, '## Appendix B', '65'),
];
const data = { source: 'sefaz-nfe.md Appendix A/B; urlChave: sped-nfe storage/uri_consulta_nfce.json', endpoints, urlChave: URL_CHAVE };
fs.mkdirSync(path.dirname(outPath), { recursive: true });
// One row per line keeps the file reviewable and its diffs small.
const body = JSON.stringify(data, null, 1).replace(/\{\n\s+("model"[^}]*?)\n\s+\}/g, (_, inner) => `{ ${inner.replace(/\n\s+/g, ' ')} }`);
fs.writeFileSync(outPath, `${body}\n`);
console.log(`${endpoints.length} endpoints -> ${path.relative(repoRoot, outPath)}`);
