// The destinatário's manifestação (EnvioEvento 210200 confirmação, 210210 ciência, 210220
// desconhecimento, 210240 operação não realizada; dfe-distribution.md §7): the NF-e is another
// company's, named by ChaAcesso, held in the company's reference row (received.ts); the company is the
// author and the event goes to the Ambiente Nacional (cOrgao 91). Checked before sending: the key, the
// sequence (conclusive events twice, ciência once), xJust for 210240, ciência after a conclusive
// manifestação already registered (655) and the deadline when the authorisation instant is known (596);
// the rest (575, 650/651, deadlines of NF-e whose authorisation is unknown) is SEFAZ's answer.
import { isValidChave } from '../../fiscal/chave';
import { formatDateTime } from '../../fiscal/datetime';
import { collapseText, freeTextProblem } from '../../fiscal/event-rules';
import { isManifestacao, MANIFESTACAO, manifestacaoDeadlineMs, manifestacaoRejection, manifestacaoType, maxSeqManifestacao } from '../../fiscal/manifestacao';
import { detManifestacao } from '../../sefaz/messages';
import type { CompanyContext } from '../context';
import { SitCodigo } from '../codes';
import type { EventoInput } from '../inputs';
import type { EventHandler, Refusal } from '../document-type';
import { receivedNfe } from './received';

const DAY = 86_400_000;

function layout(problem: string): Refusal {
  return { code: SitCodigo.layout, text: `Erro no layout do evento: ${problem}` };
}

/** The xJust of an operação não realizada (15–255), absent for the other three. */
function justification(tpEvento: string, input: EventoInput): { xJust?: string } | Refusal {
  if (!manifestacaoType(tpEvento)?.justified) return {};
  const text = collapseText(input.xJust);
  const problem = freeTextProblem(text, 'EvexJust', 15, 255);
  return problem ? layout(`${problem}; a Operação não Realizada (210240) exige a justificativa`) : { xJust: text };
}

function receivedKey(chave: string | undefined): { chave: string } | Refusal {
  if (chave && isValidChave(chave) && chave.slice(20, 22) === '55') return { chave };
  return layout(`ChaAcesso "${chave ?? ''}" não é a chave de acesso de uma NF-e: a manifestação do destinatário exige a chave da NF-e recebida`);
}

async function stateRefusal(ctx: CompanyContext, tpEvento: string, docId: string, dhAut: Date | null): Promise<Refusal | undefined> {
  const registered = (await ctx.store.listEvents(ctx.company.id, docId))
    .filter((e) => e.status === 'registered' && isManifestacao(e.tpEvento))
    .map((e) => ({ tpEvento: e.tpEvento, nSeq: e.nSeq }));
  // A sequence already in use has been answered before (573 is not asked here).
  const cStat = manifestacaoRejection({ tpEvento, nSeq: 1, now: ctx.now(), authorizedAt: dhAut, registered: registered.filter((e) => e.tpEvento !== tpEvento) });
  if (cStat === '655') {
    const final = registered.find((e) => manifestacaoType(e.tpEvento)?.conclusive);
    return { code: 655, text: `Rejeição: Ciência da Operação após a manifestação conclusiva do destinatário (evento ${final?.tpEvento ?? ''} já registrado para esta NF-e)` };
  }
  if (cStat === '596' && dhAut) {
    return {
      code: 596,
      text: `Rejeição: Evento apresentado fora do prazo: ${manifestacaoType(tpEvento)?.descEvento ?? tpEvento} até ${manifestacaoDeadlineMs(tpEvento) / DAY} dias após a autorização da NF-e (autorizada em ${formatDateTime(dhAut, ctx.offset)})`,
    };
  }
  return undefined;
}

function manifestacaoHandler(tpEvento: string, descEvento: string): EventHandler {
  const maxSeq = maxSeqManifestacao(tpEvento);
  return {
    maxSeq,
    ambienteNacional: true,
    checkFields(input) {
      const key = receivedKey(input.chave);
      if ('code' in key) return key;
      if (input.nSeq !== undefined && !(input.nSeq >= 1 && input.nSeq <= maxSeq)) {
        return { code: 594, text: `Rejeição: O número de sequencia do evento informado é maior que o permitido (EvenSeq ${input.nSeq}; permitido de 1 a ${maxSeq} para o evento ${tpEvento})` };
      }
      const j = justification(tpEvento, input);
      return 'code' in j ? j : undefined;
    },
    async locate(ctx, input) {
      const key = receivedKey(input.chave);
      return 'code' in key ? key : receivedNfe(ctx, key.chave);
    },
    plan(_ctx, { input }) {
      const j = justification(tpEvento, input);
      if ('code' in j) return Promise.resolve(j);
      // Without EvenSeq: sequence 1, so a resend gets its stored answer; the second occurrence of a
      // conclusive event is asked for with EvenSeq 2 (InvoiCy's layout: EvenSeq controls repetitions).
      return Promise.resolve({ tpEvento, nSeq: input.nSeq ?? 1, det: detManifestacao({ descEvento, xJust: j.xJust }) });
    },
    checkState: (ctx, doc) => stateRefusal(ctx, tpEvento, doc.id, doc.dhAut),
  };
}

/** One handler per manifestação event, by tpEvento. */
export const manifestacaoHandlers: Readonly<Record<string, EventHandler>> = Object.fromEntries(
  Object.entries(MANIFESTACAO).map(([tpEvento, t]) => [tpEvento, manifestacaoHandler(tpEvento, t.descEvento)]),
);
