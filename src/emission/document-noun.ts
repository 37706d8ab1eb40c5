// A document kind's name with its grammatical gender, so generic messages and log lines agree with
// the kind they speak of: "a NF-e gera", "o CT-e gera", "nf-e enviada", "ct-e enviado".

export interface DocumentNoun {
  /** The name in messages ("NF-e", "CT-e"). */
  readonly label: string;
  /** Its definite article: "a" (NF-e, NFC-e) or "o" (CT-e); also the ending of words agreeing with it. */
  readonly article: 'a' | 'o';
}

/** "a NF-e", "o CT-e". */
export function withArticle(noun: DocumentNoun): string {
  return `${noun.article} ${noun.label}`;
}

/** "da NF-e", "do CT-e". */
export function ofThe(noun: DocumentNoun): string {
  return `d${withArticle(noun)}`;
}

/** A log line's subject and participle: logLine(cte, 'enviad') → "ct-e enviado". */
export function logLine(noun: DocumentNoun, stem: string): string {
  return `${noun.label.toLowerCase()} ${stem}${noun.article}`;
}
