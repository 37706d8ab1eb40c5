// Development-time generator of layouts/nfe-nfce-4.00.json from the official material in ../shared:
//   * the SEFAZ schema (leiauteNFe_v4.00.xsd + tiposBasico_v4.00.xsd) → target order, types, choices;
//   * the InvoiCy XSD "Envio_NFe-NFCe 4.0.xsd" → the <Envio> tree (nesting, occurrences);
//   * the InvoiCy layout table (CSV) → layout types and the models (55/65) of each field;
//   * layouts/nfe-nfce-4.00.overrides.json → the mapping rules the tables cannot express.
// Every InvoiCy field must resolve to a SEFAZ element or be declared InvoiCy-only: the script fails
// otherwise, so a new official field cannot be silently lost. The machinery is in layout-generator.ts.
// Run: npx tsc --outDir dist/gen --rootDir . --module node16 --moduleResolution node16 --target ES2022 \
//        --esModuleInterop --skipLibCheck scripts/generate-nfe-layout.ts && node dist/gen/scripts/generate-nfe-layout.js
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LayoutDefinition } from '../src/layout/definition';
import { attr, child, invoicyEnvio, kids, mapLayout, readCsv, SefazSchema, writeDefinition, type FieldInfo, type Overrides } from './layout-generator';

const repo = path.resolve(__dirname, '../../..'); // dist/gen/scripts → repository root
const shared = path.resolve(repo, '../shared');
const SEFAZ_DIR = path.join(shared, 'schemas/nfe');
const INVOICY_XSD = path.join(shared, 'invoicy/Emissão/Schemas/Envio_NFe-NFCe 4.0.xsd');
const CSV = path.join(shared, 'invoicy-csv/Emissão/Layouts/Layout 4.0 NFe_NFCe - NF-e.csv');
const OVERRIDES = path.join(repo, 'layouts/nfe-nfce-4.00.overrides.json');
const OUT = path.join(repo, 'layouts/nfe-nfce-4.00.json');

const schema = new SefazSchema(['tiposBasico_v4.00.xsd', 'leiauteNFe_v4.00.xsd'].map((f) => path.join(SEFAZ_DIR, f)));
const tnfe = schema.complexTypes.get('TNFe')!;
const sefaz = schema.element(kids(child(tnfe, 'xs:sequence')!).find((k) => attr(k, 'name') === 'infNFe')!);

// Layout table: field name → models and type (names are global in the flat InvoiCy layout).
const table = new Map<string, FieldInfo>();
for (const r of readCsv(CSV)) {
  if (!/^\d+$/.test((r[0] ?? '').trim())) continue;
  const name = (r[2] ?? '').trim();
  const models = (r[11] ?? '').includes('65') ? (r[11]!.includes('55') ? ['55', '65'] : ['65']) : ['55'];
  const e = table.get(name.toLowerCase()) ?? { tipo: (r[6] ?? '').trim(), models: new Set() };
  for (const m of models) e.models.add(m);
  table.set(name.toLowerCase(), e);
}

const ov = JSON.parse(readFileSync(OVERRIDES, 'utf8')) as Overrides;
const { invoicy, problems } = mapLayout(invoicyEnvio(INVOICY_XSD), sefaz, ov, (name) => table.get(name.toLowerCase()), ['55', '65']);
const def: LayoutDefinition = { version: '4.00', invoicy, sefaz, choices: ov.choices, defaults: ov.defaults };
writeDefinition(OUT, def, problems);
console.log(`escrito ${path.relative(repo, OUT)}`);
