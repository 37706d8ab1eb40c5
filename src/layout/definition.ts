// The committed layout definitions (layouts/*.json, e.g. nfe-nfce-4.00.json produced by
// scripts/generate-nfe-layout.ts) and their types. Loaded once; the product never reads ../shared.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../project';

/** Facets of a SEFAZ simple type, flattened along its derivation chain. */
export interface SType {
  /** Each entry must match the whole value (patterns of one derivation step are already ORed). */
  patterns?: string[];
  enum?: string[];
  minLen?: number;
  maxLen?: number;
  /** Decimal places [min, max] when the type is a SEFAZ decimal (TDec_…). */
  dec?: [number, number];
  /** "13.2"-style label for messages. */
  decLabel?: string;
}

export interface SAttr { name: string; required: boolean; type: SType }

/** A SEFAZ element of the document (TNFe/infNFe …; XSD order is the array order of `content`). */
export interface SElement {
  name: string;
  min: number;
  /** -1 = unbounded. */
  max: number;
  type?: SType;
  content?: SParticle[];
  attrs?: SAttr[];
}

export interface SGroup { kind: 'seq' | 'choice'; min: number; max: number; items: SParticle[] }
export type SParticle = SElement | SGroup;

export function isGroup(p: SParticle): p is SGroup {
  return 'kind' in p;
}

/** An InvoiCy field or group of the <Envio> layout. */
export interface IField {
  name: string;
  group: boolean;
  min: number;
  max: number;
  /** Layout table type, e.g. "V (1-60)", "N (15.2)" (documentation and InvoiCy-only checks). */
  tipo?: string;
  models: string[];
  /**
   * Where the value goes, relative to the parent's SEFAZ node: "" = merged into the parent
   * (list wrappers, CSTIPI), "a/b" = through singleton groups, "../x" = into the grandparent.
   * Absent = InvoiCy-only (dropped).
   */
  to?: string;
  /** True when the SEFAZ target repeats (each InvoiCy item becomes a new element). */
  repeated?: boolean;
  children?: IField[];
}

export interface ChoiceCase {
  values?: string[];
  present?: string[];
  use: string;
}

/** Picks the SEFAZ choice branch of an element from the InvoiCy fields (CST → ICMS00 …). */
export interface ChoiceRule {
  field?: string[];
  cases: ChoiceCase[];
  /** SEFAZ name → name of the field that carries it (CSOSN travels in CST). */
  aliases?: Record<string, string>;
}

export interface LayoutDefinition {
  version: string;
  invoicy: IField;
  sefaz: SElement;
  choices: Record<string, ChoiceRule>;
  /** "parent/element" → value used when the ERP left the element empty. */
  defaults: Record<string, string>;
}

const loaded = new Map<string, LayoutDefinition>();

/** Loads a committed definition of layouts/ once per process. */
export function loadLayout(file: string): LayoutDefinition {
  let def = loaded.get(file);
  if (!def) {
    const full = path.join(projectRoot(), 'layouts', file);
    if (!existsSync(full)) throw new Error(`${full} não encontrado`);
    def = JSON.parse(readFileSync(full, 'utf8')) as LayoutDefinition;
    loaded.set(file, def);
  }
  return def;
}
