// Prologs that hide a DTD (declaring entity "e") from a scanner that does not read comments, CDATA
// and PIs in document order, as libxml2 and every XML parser do. Shared by the parser and SOAP tests.
const DOCTYPE = '<!DOCTYPE Envio [<!ENTITY e "<xNome>X</xNome>">]>';

export const MASKED_DTDS: [string, string][] = [
  ['comment + CDATA around it', `<!-- <![CDATA[ -->${DOCTYPE}<!-- ]]> -->`],
  ['PI + CDATA around it', `<?x <![CDATA[ ?>${DOCTYPE}<?x ]]> ?>`],
  ['a CDATA opened in a comment, closed in a PI', `<!-- <![CDATA[ -->${DOCTYPE}<?x ]]> ?>`],
  ['a parameter entity', `<!DOCTYPE Envio [<!ENTITY % p '<!ENTITY e "<xNome>X</xNome>">'> %p;]>`],
  ['an ENTITY in the internal subset', DOCTYPE],
];
