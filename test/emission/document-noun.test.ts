// The kinds' names with their gender, as the generic replies and log lines write them (the 225 schema
// text "Falha no Schema XML do CT-e" is built with ofThe; the layout refuses, with 145, every CT-e
// value the SEFAZ schema would, so no SOAP request reaches it).
import { logLine, ofThe, withArticle } from '../../src/emission/document-noun';
import { cteType } from '../../src/emission/cte';
import { nfeType } from '../../src/emission/nfe';

test.each([
  ['NF-e', nfeType, 'a NF-e', 'da NF-e', 'nf-e enviada'],
  ['CT-e', cteType, 'o CT-e', 'do CT-e', 'ct-e enviado'],
])('%s: "%s", "%s", "%s"', (_name, type, article, of, line) => {
  expect([withArticle(type), ofThe(type), logLine(type, 'enviad')]).toEqual([article, of, line]);
});
