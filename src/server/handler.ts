// `mfa-flow/server`: flows run on the app's server (a backend-for-frontend), one UI event per
// request, on the Fetch standard so it mounts anywhere (Hono, Next.js route handlers, Node via
// @hono/node-server, Bun, Deno). The browser holds an opaque signed handle in a cookie and sees
// views; the client secret, the MFA token and the tokens stay here, the tokens going to the app's
// `onAuthenticated`. Between requests a flow rests encrypted in a store, under a lease while a
// request acts on it (lease.ts), so any process can take the next event.
//
//   POST {base}/start   { intent?, factors? }  → { view }, Set-Cookie: the handle
//   POST {base}/events  one UI event            → { view }
//   GET  {base}/view                             → { view } (runs what is due: a push poll, a cooldown's end)
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { AuthenticatedOutput, MfaFlowEvent } from '../../machines/types.js';
import { createMfaApiClient } from '../api/client.js';
import { createMfaFlow, type MfaFlowActor, type ResumableFlow } from '../flow/createMfaFlow.js';
import { persistFlow, readFlowRecord, type FlowRecord } from '../persist/record.js';
import { toFlowView, type FlowView } from '../view/flowView.js';
import { errorAnswer, ServerAnswer, viewAnswer } from './answers.js';
import { cookieIsSecure, FLOW_COOKIE, flowCookie, readCookie } from './cookies.js';
import { guardedStore } from './guardedStore.js';
import { randomId, signHandle, verifyHandle } from './handle.js';
import { deriveHandlerKeys } from './keys.js';
import { HeldLease, readEntry } from './lease.js';
import { createMemoryFlowStore } from './memoryStore.js';
import { resolveHandlerOptions, type MfaFlowHandlerOptions, type ServerMfaToken } from './options.js';
import { readJsonBody } from './requestBody.js';
import { isSameOrigin } from './sameOrigin.js';
import { nextTick, settle } from './settle.js';
import { openFlowRecord, openOutput, sealFlowRecord, sealOutput, STORED_FLOW_FORMAT, type StoredFlow } from './storedFlow.js';
import { parseStartRequest, type StartRequest } from './startRequest.js';
import { parseUiEvent } from './uiEvents.js';

export type MfaFlowHandler = (request: Request) => Promise<Response>;

/** The view of a flow as its record left it (what the next request will restore). */
function viewOfRecord(record: FlowRecord): FlowView {
  const { value, context } = record.snapshot;
  return toFlowView(mfaFlowMachine.resolveState({ value: value as never, context }));
}

export function createMfaFlowHandler(options: MfaFlowHandlerOptions): MfaFlowHandler {
  const settings = resolveHandlerOptions(options);
  const client = options.client ?? createMfaApiClient(options);
  const store = guardedStore(options.store ?? createMemoryFlowStore());
  const keys = deriveHandlerKeys(options.cookieSecret, options.snapshotKey);
  keys.catch(() => undefined); // awaited (and so reported) by each request
  const { basePath, settleMs, leaseMs, idleTtlMs, doneTtlMs } = settings;

  const flowSettings = {
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.realm === undefined ? {} : { realm: options.realm }),
    ...(options.mfaTokenTtlMs === undefined ? {} : { mfaTokenTtlMs: options.mfaTokenTtlMs }),
    ...(options.requireRecoveryCodeAck === undefined ? {} : { requireRecoveryCodeAck: options.requireRecoveryCodeAck }),
  };
  const newFlow = (from: { resume: ResumableFlow } | (StartRequest & { token?: ServerMfaToken | null })): MfaFlowActor => {
    if ('resume' in from) return createMfaFlow({ client, ...flowSettings, factors: settings.factors, resume: from.resume });
    const { token, ...start } = from;
    return createMfaFlow({
      client,
      ...flowSettings,
      factors: settings.factors,
      ...start,
      ...(token == null
        ? {}
        : {
            mfaToken: token.mfaToken,
            ...(token.expiresAt === undefined ? {} : { mfaTokenExpiresAt: token.expiresAt }),
            ...(token.requirements === undefined ? {} : { mfaRequirements: token.requirements }),
          }),
    });
  };

  /** The entry of a running flow, its record sealed, and the view that record gives. */
  async function runningEntry(actor: MfaFlowActor, id: string, base: Pick<StoredFlow, 'signInId' | 'lease'>, now: number) {
    const record = persistFlow(actor, now);
    if (record === null) throw new Error('persistFlow: an active flow gave no record');
    const entry: StoredFlow = {
      format: STORED_FLOW_FORMAT,
      ...base,
      expiresAt: record.expiresAt ?? now + idleTtlMs,
      flow: await sealFlowRecord(record, (await keys).snapshot, id),
      final: null,
      pendingOutput: null,
    };
    return { entry, view: viewOfRecord(record) };
  }

  async function flowIdOf(request: Request): Promise<string> {
    const handle = readCookie(request, FLOW_COOKIE);
    if (handle === null || handle === '') throw new ServerAnswer('no_flow');
    const id = await verifyHandle((await keys).handle, handle);
    if (id === null) throw new ServerAnswer('bad_handle');
    return id;
  }

  /** The app's own MFA token for this request, if it gives one; its failure is the app's (callback_failed). */
  async function tokenToStartWith(request: Request): Promise<ServerMfaToken | null> {
    if (options.startWith === undefined) return null;
    let token: ServerMfaToken | null;
    try {
      token = await options.startWith(request);
    } catch {
      throw new ServerAnswer('callback_failed');
    }
    if (token !== null && (typeof token !== 'object' || typeof token.mfaToken !== 'string' || token.mfaToken === '')) {
      throw new ServerAnswer('callback_failed');
    }
    return token;
  }

  async function start(request: Request): Promise<Response> {
    const startRequest = parseStartRequest(await readJsonBody(request, true), settings.factors);
    const token = await tokenToStartWith(request);
    const id = randomId();
    const actor = newFlow({ ...startRequest, token }).start();
    try {
      await settle(actor, settleMs);
      const now = Date.now();
      const { entry, view } = await runningEntry(actor, id, { signInId: randomId(), lease: null }, now);
      if (!(await store.create(id, JSON.stringify(entry), Math.max(1, entry.expiresAt - now)))) throw new ServerAnswer('flow_busy');
      const cookie = flowCookie(await signHandle((await keys).handle, id), basePath, cookieIsSecure(request, options.secureCookies ?? 'auto'));
      return viewAnswer(view, cookie);
    } finally {
      actor.stop();
    }
  }

  /** Hands the output to the app; the entry keeps it sealed until the app has taken it. */
  async function deliver(lease: HeldLease, output: AuthenticatedOutput, request: Request) {
    try {
      await options.onAuthenticated({ signIn: { id: lease.entry.signInId }, output }, request);
    } catch {
      throw new ServerAnswer('callback_failed');
    }
    await lease.write({ ...lease.entry, lease: null, pendingOutput: null }, Date.now());
  }

  /** Under the lease: restore the flow, give it the event, let it settle, store what it became. */
  async function advance(lease: HeldLease, event: MfaFlowEvent | null, request: Request): Promise<FlowView> {
    const { snapshot: key } = await keys;
    const { entry, id } = lease;
    if (entry.final !== null) {
      // Ended, but the app's callback has not taken the output yet: offer it again.
      const output = entry.pendingOutput === null ? null : await openOutput(entry.pendingOutput, key, id);
      if (output === null) throw new ServerAnswer('flow_lost');
      await deliver(lease, output, request);
      return entry.final;
    }
    const record = entry.flow === null ? null : await openFlowRecord(entry.flow, key, id);
    const read = record === null ? null : readFlowRecord(record, Date.now());
    if (read === null || read.status !== 'resumable') {
      await store.delete(id);
      throw new ServerAnswer('flow_lost');
    }
    const actor = newFlow({ resume: read.resume });
    try {
      actor.start();
      await nextTick(); // what fell due while the flow rested (a poll, a cooldown's end) happens first
      if (event !== null) actor.send(event);
      await settle(actor, settleMs);
      const snapshot = actor.getSnapshot();
      const now = Date.now();
      if (snapshot.status === 'active') {
        const { entry: next, view } = await runningEntry(actor, id, { signInId: entry.signInId, lease: null }, now);
        await lease.write(next, now);
        return view;
      }
      const final = toFlowView(snapshot);
      const ended: StoredFlow = { ...entry, flow: null, final, pendingOutput: null, expiresAt: now + doneTtlMs };
      if (snapshot.output?.outcome !== 'authenticated') {
        await lease.write({ ...ended, lease: null }, now);
        return final;
      }
      // The output rests sealed before the app is called, so a failed call can be made again.
      await lease.write({ ...ended, pendingOutput: await sealOutput(snapshot.output, key, id) }, now);
      await deliver(lease, snapshot.output, request);
      return final;
    } finally {
      actor.stop();
    }
  }

  async function act(request: Request, event: MfaFlowEvent | null): Promise<Response> {
    const id = await flowIdOf(request);
    const read = await readEntry(store, id, Date.now());
    // An ended flow whose output the app has taken only shows its last view: nothing to act on.
    if (read.entry.final !== null && read.entry.pendingOutput === null) return viewAnswer(read.entry.final);
    const lease = await HeldLease.take(store, id, read, leaseMs, Date.now());
    try {
      return viewAnswer(await advance(lease, event, request));
    } catch (error) {
      await lease.release(Date.now());
      throw error;
    }
  }

  async function route(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith(`${basePath}/`)) throw new ServerAnswer('not_found');
    const route = pathname.slice(basePath.length);
    if (route !== '/start' && route !== '/events' && route !== '/view') throw new ServerAnswer('not_found');
    if (request.method.toUpperCase() !== (route === '/view' ? 'GET' : 'POST')) throw new ServerAnswer('method_not_allowed');
    if (route !== '/view' && !isSameOrigin(request, options.allowedOrigins)) throw new ServerAnswer('cross_origin');
    if (route === '/start') return start(request);
    if (route === '/view') return act(request, null);
    const parsed = parseUiEvent(await readJsonBody(request, false));
    if ('problem' in parsed) throw new ServerAnswer('invalid_event', parsed.problem);
    return act(request, parsed.event);
  }

  return async (request) => {
    try {
      return await route(request);
    } catch (error) {
      if (error instanceof ServerAnswer) return errorAnswer(error.code, error.detail, error.retryAfterMs);
      return errorAnswer('internal_error');
    }
  };
}
