// EPEC route (contingency-and-numbering.md §3.2, sefaz-nfe.md §7.4): the document is re-keyed
// with tpEmis 4 and stored signed (the reconciliation job later sends exactly it, same key), and its
// summary goes where the model's EPEC goes (NF-e: the Ambiente Nacional, event 110140; CT-e: the SVC,
// 110113) → 136, DocStatus 10. The event row is kept like any other event of the document; its
// protocol is also copied to `epecProtocol`.
import { epecAuthorizer } from '../../contingency/policy';
import { SefazTransportError } from '../../sefaz/errors';
import { signXml } from '../../signing/xmldsig';
import { parseDateTime } from '../../fiscal/datetime';
import { type EventPatch, type EventRecord } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import type { CompanyContext } from '../context';
import { sefazTarget } from '../outcome';
import { saveDocument } from '../save';
import { sentWithoutAnswer, type RouteInput, type RouteOutcome } from './common';

async function saveEvent(ctx: CompanyContext, ev: EventRecord, patch: EventPatch): Promise<EventRecord> {
  return (await ctx.store.updateEvent(ctx.company.id, ev.id, patch)) ?? ev;
}

export async function issueViaEpec(ctx: CompanyContext, input: RouteInput): Promise<RouteOutcome> {
  const { uf, draft, type } = input;
  const unavailable = type.epec.unavailable(draft);
  if (unavailable) return { next: unavailable };

  const r = await type.renderForContingency(ctx, draft, input.doc, uf, '4');
  if (!r.ok) return 'schema' in r ? { schema: r.schema } : { next: r.unavailable };
  const rendition = r.signed;
  let doc = await saveDocument(ctx, input.doc, {
    stage: 'signed', tpEmis: '4', chave: rendition.chave, xmlSigned: rendition.xmlSigned, digestValue: rendition.digestValue,
  });

  const authorizer = epecAuthorizer(doc.model, uf, ctx.deps.contingency?.svcMaps);
  const destination = authorizer === 'AN' ? 'Ambiente Nacional' : (authorizer ?? uf);
  const { cert, credentials } = await ctx.certificate();
  const signed = await signXml(type.epec.event(ctx, draft, rendition, uf), { tag: type.events.signedTag, keyPem: cert.keyPem, certPem: cert.certPem });
  // A document re-used after a rejection may already hold an EPEC row of an earlier key: re-use it.
  const previous = (await ctx.store.listEvents(ctx.company.id, doc.id)).find((e) => e.tpEvento === type.epec.tpEvento && e.nSeq === 1);
  const sending = { status: 'sending' as const, xmlSigned: signed, cStat: null, xMotivo: null, nProt: null, xmlProc: null, attempts: (previous?.attempts ?? 0) + 1 };
  let ev = previous
    ? await saveEvent(ctx, previous, sending)
    : await ctx.store.insertEvent(ctx.company.id, { documentId: doc.id, tpEvento: type.epec.tpEvento, nSeq: 1, ...sending });
  doc = await saveDocument(ctx, doc, { stage: 'sending', attempts: doc.attempts + 1 });
  ctx.log.info(`epec enviado ao ${destination}`, { chave: rendition.chave });

  let ret;
  try {
    ret = await type.services.sendEvents(ctx, { ...sefazTarget(ctx, doc), uf, authorizer }, credentials, [signed]);
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    if (!err.requestSent) {
      await saveEvent(ctx, ev, { status: 'rejected', lastError: err.message });
      return { next: `${destination} inacessível: ${err.message}` };
    }
    // The event row stays `sending`: whether the AN registered it is settled later (consulta 124/136).
    await saveEvent(ctx, ev, { lastError: err.message });
    return { done: await sentWithoutAnswer(ctx, doc, `EPEC: ${err.message}`) };
  }
  const ret0 = ret.events[0];
  if (ret.cStat !== '128' || ret0?.cStat !== '136') {
    const cStat = ret0?.cStat ?? ret.cStat;
    const xMotivo = ret0?.xMotivo ?? ret.xMotivo;
    await saveEvent(ctx, ev, { status: 'rejected', cStat, xMotivo });
    return { next: `EPEC recusado: ${cStat} - ${xMotivo}` };
  }
  ev = await saveEvent(ctx, ev, {
    status: 'registered', cStat: ret0.cStat, xMotivo: ret0.xMotivo, nProt: ret0.nProt ?? null,
    dhReg: parseDateTime(ret0.dhRegEvento) ?? null, xmlProc: type.events.proc(signed, ret0.raw), lastError: null,
  });
  doc = await saveDocument(ctx, doc, {
    docStatus: DOC_STATUS.EPEC, stage: 'answered', cStat: ret0.cStat, xMotivo: ret0.xMotivo, epecProtocol: ev.nProt, lastError: null,
  });
  ctx.log.info('epec registrado', { nProt: ev.nProt });
  return { done: doc };
}
