// The document's model against the endpoint's (450 at an NF-e endpoint, 775 at an NFC-e one), where
// the endpoint is model-specific.
import { rejection, type NfeRule } from './types';

export const endpointModel: NfeRule = {
  name: 'modelo',
  check: (f, ctx) => {
    if (ctx.endpointModel === undefined || f.mod === ctx.endpointModel) return undefined;
    return ctx.endpointModel === '65'
      ? rejection('775', 'Modelo da NFC-e diferente de 65', 'ide/mod')
      : rejection('450', 'Modelo da NF-e diferente de 55', 'ide/mod');
  },
};
