// Development-time generator of layouts/cte-4.00.json from the official material in ../shared:
//   * the SEFAZ schema (cteTiposBasico_v4.00.xsd + tiposGeralCTe_v4.00.xsd) → target order, types,
//     choices of <infCte>; the modal schemas (cteModalRodoviario … cteMultiModal) → the modal roots,
//     grafted into infModal (an xs:any that SEFAZ validates against the modal's own schema);
//   * the InvoiCy XSD "Envio_CTe 4.00.xsd" → the <Envio> tree (nesting, occurrences);
//   * the InvoiCy layout table (CSV of "LAYOUT 4.0 CTe.xlsx") → layout types;
//   * layouts/cte-4.00.overrides.json → the mapping rules the tables cannot express.
// Every InvoiCy field must resolve to a SEFAZ element or be declared InvoiCy-only: the script fails
// otherwise. The machinery is shared with the NF-e generator (layout-generator.ts).
// Run: npx tsc --outDir dist/gen --rootDir . --module node16 --moduleResolution node16 --target ES2022 \
//        --esModuleInterop --skipLibCheck scripts/generate-cte-layout.ts && node dist/gen/scripts/generate-cte-layout.js
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isGroup, type LayoutDefinition, type SElement, type SParticle } from '../src/layout/definition';
import { attr, child, invoicyEnvio, kids, mapLayout, readCsv, SefazSchema, writeDefinition, type FieldInfo, type Overrides } from './layout-generator';

const repo = path.resolve(__dirname, '../../..'); // dist/gen/scripts → repository root
const shared = path.resolve(repo, '../shared');
const SEFAZ_DIR = path.join(shared, 'schemas/cte');
const INVOICY_XSD = path.join(shared, 'invoicy/Emissão/Schemas/Envio_CTe 4.00.xsd');
const CSV = path.join(shared, 'invoicy-csv/Emissão/Layouts/LAYOUT 4.0 CTe - CT-e.csv');
const OVERRIDES = path.join(repo, 'layouts/cte-4.00.overrides.json');
const OUT = path.join(repo, 'layouts/cte-4.00.json');
/** Modal root element → its schema (the order of ide/modal: 01 rodoviário … 06 multimodal). */
const MODALS: Array<[string, string]> = [
  ['rodo', 'cteModalRodoviario_v4.00.xsd'],
  ['aereo', 'cteModalAereo_v4.00.xsd'],
  ['aquav', 'cteModalAquaviario_v4.00.xsd'],
  ['ferrov', 'cteModalFerroviario_v4.00.xsd'],
  ['duto', 'cteModalDutoviario_v4.00.xsd'],
  ['multimodal', 'cteMultiModal_v4.00.xsd'],
];

const schema = new SefazSchema(['tiposGeralCTe_v4.00.xsd', 'cteTiposBasico_v4.00.xsd', ...MODALS.map(([, f]) => f)].map((f) => path.join(SEFAZ_DIR, f)));
const tcte = schema.complexTypes.get('TCTe')!;
const sefaz = schema.element(kids(child(tcte, 'xs:sequence')!).find((k) => attr(k, 'name') === 'infCte')!);

function findElement(ps: SParticle[] | undefined, name: string): SElement | undefined {
  for (const p of ps ?? []) {
    const hit = isGroup(p) ? findElement(p.items, name) : p.name === name ? p : findElement(p.content, name);
    if (hit) return hit;
  }
  return undefined;
}
const infModal = findElement(sefaz.content, 'infModal');
if (!infModal) throw new Error('infModal não encontrado em infCte');
infModal.content = [{ kind: 'choice', min: 1, max: 1, items: MODALS.map(([root]) => schema.element(schema.elements.get(root)!)) }];

const table = new Map<string, FieldInfo>();
for (const r of readCsv(CSV)) {
  if (!/^\d+$/.test((r[0] ?? '').trim())) continue;
  const name = (r[2] ?? '').trim().toLowerCase();
  if (!table.has(name)) table.set(name, { tipo: (r[6] ?? '').trim(), models: new Set(['57']) });
}

const ov = JSON.parse(readFileSync(OVERRIDES, 'utf8')) as Overrides;
const { invoicy, problems } = mapLayout(invoicyEnvio(INVOICY_XSD), sefaz, ov, (name) => table.get(name.toLowerCase()), ['57']);
const def: LayoutDefinition = { version: '4.00', invoicy, sefaz, choices: ov.choices, defaults: ov.defaults };
writeDefinition(OUT, def, problems);
console.log(`escrito ${path.relative(repo, OUT)}`);
