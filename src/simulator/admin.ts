// Admin API under /__admin/ (JSON; loopback clients only; no client certificate needed on HTTPS):
// faults, scenario timelines, CSCs, denial rules, SVC flags, what the simulator knows of a key, and
// the DF-e distribution's (dfe-admin.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeCnpj } from '../fiscal/cnpj';
import { isUf } from '../fiscal/ufs';
import type { SimulatorCore } from './context';
import { dfeAdminRoute } from './dfe-admin';
import { DfeInputError } from './dfe-seed';
import { FaultError, parseFaultSpec, parseScenario, type FaultController } from './faults';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

class AdminError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new AdminError(400, 'corpo da requisição não é JSON válido');
  }
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' && typeof v !== 'number') throw new AdminError(400, `campo ${key} obrigatório`);
  return String(v);
}

export interface AdminDeps {
  core: SimulatorCore;
  faults: FaultController;
}

export function handleAdmin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse, pathname: string, body: string): void {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return sendJson(res, 403, { erro: 'API administrativa aceita apenas clientes locais' });
  const { core, faults } = deps;
  const route = `${req.method} ${pathname.replace(/\/+$/, '')}`;
  try {
    const json = () => parseJson(body);
    if (route === 'GET /__admin/faults') return sendJson(res, 200, faults.list());
    if (route === 'POST /__admin/faults') return sendJson(res, 201, faults.add(parseFaultSpec(json())));
    if (route === 'DELETE /__admin/faults') {
      faults.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST /__admin/reset') {
      faults.reset();
      core.dfeCoConsumer.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST /__admin/scenario') {
      const steps = parseScenario(body ? JSON.parse(body) : undefined);
      faults.runScenario(steps);
      return sendJson(res, 200, { ok: true, steps: steps.length });
    }
    if (route === 'POST /__admin/csc') {
      const b = json();
      core.state.registerCsc(normalizeCnpj(str(b, 'cnpj')), Number(str(b, 'idCsc')), str(b, 'csc'));
      return sendJson(res, 201, { ok: true });
    }
    if (route === 'POST /__admin/denials') {
      const b = json();
      const role = b.role === 'emit' ? 'emit' : 'dest';
      const cStat = b.cStat === undefined ? (role === 'emit' ? '301' : '302') : str(b, 'cStat');
      core.state.setDenial({ cnpj: normalizeCnpj(str(b, 'cnpj')), role, cStat });
      return sendJson(res, 201, { ok: true, role, cStat });
    }
    if (route === 'DELETE /__admin/denials') {
      core.state.clearDenials();
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST /__admin/svc') {
      const b = json();
      const uf = str(b, 'uf').toUpperCase();
      if (!isUf(uf)) throw new AdminError(400, `UF inválida: ${uf}`);
      const tpAmbs = b.tpAmb === undefined ? ['1', '2'] : [str(b, 'tpAmb')];
      // deactivateAt: the origin UF announced when its SVC ends (CT-e status 113 until then).
      const deactivateAtMs = b.deactivateAt === undefined ? undefined : Date.parse(str(b, 'deactivateAt'));
      if (deactivateAtMs !== undefined && Number.isNaN(deactivateAtMs)) throw new AdminError(400, 'deactivateAt deve ser uma data-hora ISO');
      for (const tpAmb of tpAmbs) {
        core.state.setSvcActive(uf, tpAmb, b.active !== false);
        core.state.setSvcDeactivation(uf, tpAmb, deactivateAtMs);
      }
      return sendJson(res, 200, { ok: true, uf, active: b.active !== false });
    }
    if (route === 'GET /__admin/ca') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(core.ca.certPem);
      return;
    }
    if (route.includes(' /__admin/dfe/')) {
      const dfe = dfeAdminRoute(core, route, new URL(req.url ?? '/', 'http://x').searchParams, json);
      if (dfe) return sendJson(res, dfe.status, dfe.body);
    }
    const doc = /^GET \/__admin\/documents\/([0-9A-Z]{44})$/.exec(route);
    if (doc) {
      const tpAmb = new URL(req.url ?? '/', 'http://x').searchParams.get('tpAmb') ?? '2';
      const document = core.state.getDocument(doc[1], tpAmb);
      const events = core.state.eventsOf(doc[1], tpAmb);
      if (!document && events.length === 0) return sendJson(res, 404, { erro: 'chave desconhecida pelo simulador' });
      return sendJson(res, 200, { document, events });
    }
    return sendJson(res, 404, { erro: `rota administrativa desconhecida: ${route}` });
  } catch (e) {
    if (e instanceof AdminError) return sendJson(res, e.status, { erro: e.message });
    if (e instanceof FaultError || e instanceof DfeInputError || e instanceof SyntaxError) return sendJson(res, 400, { erro: e.message });
    throw e;
  }
}
