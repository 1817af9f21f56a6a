// The floor of any chart on the overhead bench's path: the smallest XState machine that makes the
// same two requests through the engine's own API client (associate, wait for the code, verify),
// each invoked with XState's signal as the chart does, with no guard, timer or error branch. Its
// time over the client alone is what XState itself costs per flow; the engine's time over it is
// what the chart's behaviour (routing, timers, every factor, the error table) costs.
import { assign, createActor, fromPromise, setup, waitFor } from 'xstate';
import type { MfaApiClient, OtpEnrollment, TokenSet } from '../src/index.js';

interface Context {
  mfaToken: string;
  secret: string;
  otp: string;
  tokens: TokenSet | null;
}

export function smallestChartFlow(client: MfaApiClient, codeFor: (secret: string) => string) {
  const machine = setup({
    types: { context: {} as Context, input: {} as { mfaToken: string }, events: {} as { type: 'submit'; otp: string } },
    actors: {
      associate: fromPromise<OtpEnrollment, Context>(async ({ input, signal }) => {
        const enrollment = await client.associate({ bearer: input.mfaToken, factor: 'otp' }, { signal });
        if (enrollment.factor !== 'otp') throw new Error('smallest chart: associate answered without a secret');
        return enrollment;
      }),
      verify: fromPromise<TokenSet, Context>(({ input, signal }) => client.verifyOtp({ mfaToken: input.mfaToken, otp: input.otp }, { signal })),
    },
  }).createMachine({
    context: ({ input }) => ({ mfaToken: input.mfaToken, secret: '', otp: '', tokens: null }),
    initial: 'associating',
    states: {
      associating: {
        tags: 'busy',
        invoke: { src: 'associate', input: ({ context }) => context, onDone: { target: 'awaitingCode', actions: assign({ secret: ({ event }) => event.output.secret }) } },
      },
      awaitingCode: { on: { submit: { target: 'verifying', actions: assign({ otp: ({ event }) => event.otp }) } } },
      verifying: {
        tags: 'busy',
        invoke: { src: 'verify', input: ({ context }) => context, onDone: { target: 'done', actions: assign({ tokens: ({ event }) => event.output }) } },
      },
      done: { type: 'final' },
    },
  });

  return async (mfaToken: string): Promise<string> => {
    const actor = createActor(machine, { input: { mfaToken } });
    actor.start();
    const parked = await waitFor(actor, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: 10_000 });
    if (!parked.matches('awaitingCode')) throw new Error(`smallest chart stopped in ${JSON.stringify(parked.value)}`);
    actor.send({ type: 'submit', otp: codeFor(parked.context.secret) });
    const done = await waitFor(actor, (s) => s.status !== 'active', { timeout: 10_000 });
    if (!done.context.tokens) throw new Error('smallest chart: verify answered without tokens');
    return done.context.tokens.accessToken;
  };
}
