// The CT-e events the ERP sends through EnvioEvento (cte.md §6, §9).

/** xObs when the ERP sends no Observacao: mandatory in the XSD (15–255), optional in InvoiCy's layout (cte.md §6.6). */
export const DEFAULT_DESACORDO_XOBS = 'Prestacao do servico em desacordo com o informado no CT-e';
