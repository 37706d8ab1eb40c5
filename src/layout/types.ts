// Types of the layout engine shared by every document kind (the kinds' own types live in their folders).
import type { IField } from './definition';

/** One problem found in an InvoiCy <Envio>; `message` is meant for the ERP (Portuguese). */
export interface LayoutError {
  /** InvoiCy path, e.g. "Envio/det/detItem[2]/prod/vProd". */
  path: string;
  /** e.g. "obrigatório", "tamanho máximo 60", "formato decimal 13.2", "valor não permitido". */
  rule: string;
  value?: string;
  message: string;
}

export interface LayoutValue { value: string; src: string }

/**
 * The document already shaped like its SEFAZ element (InvoiCy suffixes stripped, wrappers unfolded),
 * still carrying the InvoiCy path of every value for error messages.
 */
export interface LayoutNode {
  /** InvoiCy path of the group this node came from. */
  src: string;
  def?: IField;
  parent?: LayoutNode;
  fields: Map<string, LayoutValue[]>;
  groups: Map<string, LayoutNode[]>;
}

/** What rendering a document of any kind takes besides its number and code. */
export interface RenderBase {
  /** TDateTimeUTC with offset. */
  dhEmi: string;
  tpEmis: string;
  tpAmb: string;
  /** Entry into contingency (tpEmis other than 1). */
  dhCont?: string;
  xJust?: string;
  verProc: string;
}
