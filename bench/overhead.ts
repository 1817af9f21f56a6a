// Overhead: complete enroll+confirm flows driven by the engine (createMfaFlow) against the same
// flows as a bare sequence of ky calls and through Auth0's own client (@auth0/auth0-auth-js
// MfaClient), on one in-process emulator in one process, in interleaved batches; the figures are
// the medians over rounds of (engine time / bare time) and (engine time / Auth0 client time).
//
// Both sides start from an MFA token (one password grant per user, done once in setup): scrypt
// would otherwise be most of every flow and hide the engine's cost. So each flow is exactly
// POST /mfa/associate + POST /oauth/token (mfa-otp), through the same `fetch`. A confirmed user
// can no longer enroll with an mfa_token, so after each batch (untimed) its authenticators are
// deleted with the access token the flow ended with (the password grant asked for audience
// …/mfa/ and scope remove:authenticators, which the verify grant then issues).
import { performance } from 'node:perf_hooks';
import { AuthClient } from '@auth0/auth0-auth-js';
import ky from 'ky';
import { waitFor } from 'xstate';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { createMfaApiClient, createMfaFlow } from '../src/index.js';
import { benchClock, benchUsers, CLIENT, FORM, formBody, GRANT, IN_PROCESS_URL, totpAt } from './fixtures.js';
import type { Row, SectionResult } from './report.js';
import { median, sum } from './stats.js';
import { otpEnrollment } from './enrollment.js';
import { smallestChartFlow } from './smallestChart.js';

const FLOWS_PER_ROUND = 1000;
const ROUNDS = 5;
const BATCH = 50; // users, and flows per batch
const TARGET_RATIO = 1.1;
const TARGET_AUTH0_RATIO = 1.0;
const REQUESTS_PER_FLOW = 2;

interface User {
  email: string;
  mfaToken: string;
}

type Side = 'engine' | 'xstate' | 'abortable' | 'client' | 'bare' | 'auth0';
const SIDES: readonly Side[] = ['engine', 'xstate', 'abortable', 'client', 'bare', 'auth0'];
type Driver = (user: User) => Promise<string>;

export async function measureOverhead(): Promise<SectionResult> {
  const clock = benchClock();
  const emulator = createEmulator({ clock: clock.now, users: benchUsers('overhead', BATCH) });
  await emulator.ready();
  let requests = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    requests++;
    return Promise.resolve(emulator.app.request(input, init));
  };
  const users = await Promise.all(
    benchUsers('overhead', BATCH).map(async ({ email, password }) => ({
      email,
      mfaToken: await passwordGrant(emulator, email, password),
    })),
  );

  // One API client for all flows, as a server holds one per tenant (the bare side shares one ky).
  const client = createMfaApiClient({ baseUrl: IN_PROCESS_URL, ...CLIENT, mfaAudience: emulator.mfaAudience, fetch });
  const engine: Driver = async (user) => {
    const flow = createMfaFlow({
      client,
      clock,
      intent: 'enroll',
      mfaToken: user.mfaToken,
      requireRecoveryCodeAck: false,
    });
    flow.start();
    const parked = await waitFor(flow, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: 10_000 });
    const secret = otpEnrollment(parked.context.enrollment).secret;
    if (!parked.matches({ step: 'awaitingConfirmation' }) || !secret) throw new Error(`engine flow stopped in ${JSON.stringify(parked.value)}`);
    flow.send({ type: 'otp.submit', otp: totpAt(secret, clock.now()) });
    const done = await waitFor(flow, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: 10_000 });
    const accessToken = (done.output?.outcome === 'authenticated' ? done.output.tokens.accessToken : undefined);
    if (done.status !== 'done' || !done.matches('authenticated') || !accessToken) {
      throw new Error(`engine flow ended in ${JSON.stringify(done.value)}${done.context.error ? ` (${done.context.error.code})` : ''}`);
    }
    return accessToken;
  };

  // The engine's own API client without the chart, to split the engine's cost: once as the chart
  // calls it (each request with an AbortSignal of its own, as XState gives every invoked service,
  // so leaving a state aborts the request), once without a signal.
  const clientSide = (abortable: boolean): Driver => async (user) => {
    const signal = () => (abortable ? { signal: new AbortController().signal } : {});
    const enrollment = await client.associate({ bearer: user.mfaToken, factor: 'otp' }, signal());
    if (enrollment.factor !== 'otp') throw new Error('client flow: associate answered without a secret');
    const tokens = await client.verifyOtp({ mfaToken: user.mfaToken, otp: totpAt(enrollment.secret, clock.now()) }, signal());
    return tokens.accessToken;
  };

  // The smallest XState machine making the same two calls through the same client: the floor of any chart.
  const smallest = smallestChartFlow(client, (secret) => totpAt(secret, clock.now()));
  const xstate: Driver = (user) => smallest(user.mfaToken);

  // What a hand-written client would do: one ky instance, the same two requests, same bodies.
  const api = ky.create({ prefixUrl: IN_PROCESS_URL, fetch, retry: 0, timeout: 10_000 });
  const bare: Driver = async (user) => {
    const enrollment = await api
      .post('mfa/associate', { headers: { authorization: `Bearer ${user.mfaToken}` }, json: { authenticator_types: ['otp'] } })
      .json<{ secret?: string }>();
    if (!enrollment.secret) throw new Error('bare flow: associate answered without a secret');
    const tokens = await api
      .post('oauth/token', {
        body: new URLSearchParams({
          grant_type: GRANT.mfaOtp,
          mfa_token: user.mfaToken,
          otp: totpAt(enrollment.secret, clock.now()),
          client_id: CLIENT.clientId,
          client_secret: CLIENT.clientSecret,
        }),
      })
      .json<{ access_token?: string }>();
    if (!tokens.access_token) throw new Error('bare flow: verify answered without an access token');
    return tokens.access_token;
  };

  // Auth0's own client, as an app would use it for the same two calls: one AuthClient (its
  // discovery cached after the warm-up), `mfa.enrollAuthenticator` then `mfa.verify`.
  const auth0 = new AuthClient({ domain: emulator.issuer.replace(/^https:\/\/|\/$/g, ''), ...CLIENT, customFetch: fetch });
  const sdk: Driver = async (user) => {
    const enrollment = await auth0.mfa.enrollAuthenticator({ mfaToken: user.mfaToken, authenticatorTypes: ['otp'] });
    if (enrollment.authenticatorType !== 'otp' || !enrollment.secret) throw new Error('auth0 flow: associate answered without a secret');
    const tokens = await auth0.mfa.verify({ mfaToken: user.mfaToken, factorType: 'otp', otp: totpAt(enrollment.secret, clock.now()) });
    if (!tokens.accessToken) throw new Error('auth0 flow: verify answered without an access token');
    return tokens.accessToken;
  };

  const drivers: Record<Side, Driver> = { engine, xstate, abortable: clientSide(true), client: clientSide(false), bare, auth0: sdk };
  const failures: string[] = [];

  /** One timed batch (flows one after another), then the untimed reset of its users. */
  async function batch(side: Side, count: number): Promise<number> {
    const before = requests;
    const tokens: string[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) tokens.push(await drivers[side](users[i]!));
    const elapsed = performance.now() - started;
    if (requests - before !== count * REQUESTS_PER_FLOW) {
      throw new Error(`${side}: ${requests - before} requests for ${count} flows, expected ${count * REQUESTS_PER_FLOW}`);
    }
    await Promise.all(tokens.map((token, i) => resetUser(emulator, users[i]!.email, token)));
    return elapsed;
  }

  const ratios: number[] = [];
  const auth0Ratios: number[] = [];
  const floorRatios: number[] = [];
  const perFlow: Record<Side, number[]> = { engine: [], xstate: [], abortable: [], client: [], bare: [], auth0: [] };
  try {
    // Warm-up: JIT every path, and Auth0's client fetches the discovery document once.
    await auth0.getServerMetadata();
    for (const side of SIDES) await batch(side, BATCH);
    for (let round = 0; round < ROUNDS; round++) {
      const times: Record<Side, number[]> = { engine: [], xstate: [], abortable: [], client: [], bare: [], auth0: [] };
      // Rotate which side goes first, round by round.
      const order = SIDES.map((_, k) => SIDES[(k + round) % SIDES.length]!);
      for (let done = 0; done < FLOWS_PER_ROUND; done += BATCH) {
        for (const side of order) times[side].push(await batch(side, Math.min(BATCH, FLOWS_PER_ROUND - done)));
      }
      ratios.push(sum(times.engine) / sum(times.bare));
      floorRatios.push(sum(times.xstate) / sum(times.bare));
      auth0Ratios.push(sum(times.engine) / sum(times.auth0));
      for (const side of SIDES) perFlow[side].push(sum(times[side]) / FLOWS_PER_ROUND);
    }
  } catch (error) {
    failures.push(`overhead: ${(error as Error).message}`);
  }

  const area = 'Overhead';
  const rows: Row[] = [];
  if (ratios.length === ROUNDS) {
    const ratio = median(ratios);
    const added = median(perFlow.engine.map((e, i) => e - perFlow.bare[i]!));
    const µs = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
    const diff = (a: Side, b: Side) => µs(median(perFlow[a].map((x, i) => x - perFlow[b][i]!)));
    rows.push(
      {
        area,
        figure: `engine / bare ky, ${FLOWS_PER_ROUND} enroll+confirm flows (median of ${ROUNDS} rounds)`,
        measured: `${ratio.toFixed(3)}x (rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`,
        target: `< ${TARGET_RATIO.toFixed(2)}x`,
        met: ratio < TARGET_RATIO,
      },
      {
        area,
        figure: `engine / Auth0's client (@auth0/auth0-auth-js MfaClient), the same ${FLOWS_PER_ROUND} flows (median of ${ROUNDS} rounds)`,
        measured: `${median(auth0Ratios).toFixed(3)}x (rounds ${Math.min(...auth0Ratios).toFixed(3)}–${Math.max(...auth0Ratios).toFixed(3)})`,
        target: `≤ ${TARGET_AUTH0_RATIO.toFixed(2)}x`,
        met: median(auth0Ratios) <= TARGET_AUTH0_RATIO,
      },
      {
        area,
        figure: `the smallest XState machine making the same calls / bare ky: the floor of any chart (median of ${ROUNDS} rounds)`,
        measured: `${median(floorRatios).toFixed(3)}x (rounds ${Math.min(...floorRatios).toFixed(3)}–${Math.max(...floorRatios).toFixed(3)})`,
        target: '—',
        met: undefined,
      },
      {
        area,
        figure: 'time per flow: engine, bare ky, Auth0\'s client (median of rounds)',
        measured: `${median(perFlow.engine).toFixed(3)} ms, ${median(perFlow.bare).toFixed(3)} ms, ${median(perFlow.auth0).toFixed(3)} ms (engine adds ${(added * 1000).toFixed(0)} µs to bare ky)`,
        target: '—',
        met: undefined,
      },
      {
        area,
        figure: 'where the engine\'s added time goes, per flow (differences of medians)',
        measured: `chart over the smallest XState machine ${diff('engine', 'xstate')}, that machine ${diff('xstate', 'abortable')}, abortable requests ${diff('abortable', 'client')}, API client over bare ky ${diff('client', 'bare')}, bare ky over Auth0's client ${diff('bare', 'auth0')}`,
        target: '—',
        met: undefined,
      },
    );
  } else {
    rows.push({ area, figure: 'engine / bare ky', measured: 'not measured (a flow failed)', target: `< ${TARGET_RATIO.toFixed(2)}x`, met: false });
  }
  return {
    title: 'Overhead',
    rows,
    failures,
    method: [
      `${FLOWS_PER_ROUND} complete enroll+confirm flows per side per round, ${ROUNDS} rounds after one untimed warm-up batch per side; batches of ${BATCH} flows (one after another), the batches of every side interleaved, the side that goes first rotating by round.`,
      'The floor of any chart: the smallest XState machine that makes the same two calls through the same API client with XState\'s signal (bench/smallestChart.ts: 4 states, no guard, timer or error branch), one actor per flow like the engine.',
      'To split the engine\'s cost: its own API client (`createMfaApiClient`, ky inside) driven without the chart, once with an AbortSignal per request as the chart passes (XState gives every invoked service one, so leaving a state aborts its request), once without.',
      'Auth0\'s client: one `new AuthClient({ domain, clientId, clientSecret, customFetch })` of `@auth0/auth0-auth-js`, `mfa.enrollAuthenticator({ authenticatorTypes: ["otp"] })` then `mfa.verify({ factorType: "otp" })`; its discovery document is fetched once in the warm-up (not timed).',
      'Engine: `createMfaFlow({ client, intent: "enroll", mfaToken, requireRecoveryCodeAck: false })` per flow (one shared API client, as a server holds one per tenant; an actor per flow), `start()`, wait for `awaitingConfirmation`, send `otp.submit`, wait for `authenticated`. Bare: one shared ky instance, `POST mfa/associate` then `POST oauth/token` (mfa-otp) with the same bodies.',
      'Both start from an MFA token obtained once per user in setup (a password grant is a deliberately slow scrypt check and would hide the engine cost); each flow is 2 requests, checked by counting at the shared `fetch`, and each must end with an access token (the engine: in `authenticated`).',
      'Same emulator (in-process, `app.request`, fixed clock), same process. Untimed between batches: the users\' authenticators are deleted (DELETE /mfa/authenticators/{id} with the flow\'s own access token) so they can enroll again.',
    ],
  };
}

async function passwordGrant(emulator: Emulator, email: string, password: string): Promise<string> {
  const response = await emulator.app.request('/oauth/token', {
    method: 'POST',
    headers: FORM,
    body: formBody({
      grant_type: GRANT.password,
      username: email,
      password,
      audience: emulator.mfaAudience,
      scope: 'remove:authenticators',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    }),
  });
  const body = (await response.json()) as { error?: string; mfa_token?: string };
  if (body.error !== 'mfa_required' || !body.mfa_token) throw new Error(`overhead setup: password grant answered ${response.status} ${body.error}`);
  return body.mfa_token;
}

/** Deletes every authenticator of the user, so the next flow enrolls from scratch. */
async function resetUser(emulator: Emulator, email: string, accessToken: string): Promise<void> {
  for (const { id } of emulator.store.authenticators(email)) {
    const response = await emulator.app.request(`/mfa/authenticators/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (response.status !== 204) throw new Error(`overhead reset: DELETE answered ${response.status}`);
  }
}
