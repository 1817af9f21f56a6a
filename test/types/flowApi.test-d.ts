// Type tests, run by vitest's typecheck (and `tsc --noEmit`): each @ts-expect-error line must be a
// type error, so a loosened type fails here. What a UI may send, what a flow's output holds, and
// which option sets createMfaFlow accepts.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createMfaApiClient,
  createMfaFlow,
  type AuthenticatedOutput,
  type FlowError,
  type MfaErrorCode,
  type MfaFlowActor,
  type TokenSet,
} from '../../src/index.js';

declare const flow: MfaFlowActor;
const client = createMfaApiClient({ baseUrl: 'http://127.0.0.1:1', clientId: 'c' });

describe('events', () => {
  it('refuses wrong payloads and unknown events', () => {
    // @ts-expect-error otp must be a string
    flow.send({ type: 'otp.submit', otp: 123456 });
    // @ts-expect-error credentials need a password
    flow.send({ type: 'credentials.submit', username: 'a@b.c' });
    // @ts-expect-error unknown event type
    flow.send({ type: 'otp.sumbit', otp: '123456' });
    // @ts-expect-error the selection is by authenticatorId
    flow.send({ type: 'authenticator.select', id: 'totp|x' });
    expectTypeOf(flow.send).parameter(0).toHaveProperty('type');
  });

  it('keeps the chart’s internal events out of a UI’s reach', () => {
    // @ts-expect-error raised by the chart's own timer
    flow.send({ type: 'mfaToken.expired' });
    // @ts-expect-error sent by the flow layer after a restore
    flow.send({ type: 'flow.restored' });
    // @ts-expect-error applied by persistence, never sent
    flow.send({ type: 'flow.interrupted' });
  });

  it('types states and tags', () => {
    // @ts-expect-error not a tag of the chart
    flow.getSnapshot().hasTag('loading');
    // @ts-expect-error steps live under `step`
    flow.getSnapshot().matches('verifying');
    expectTypeOf(flow.getSnapshot().matches({ step: { verifying: 'idle' } })).toBeBoolean();
  });
});

describe('context and output', () => {
  it('types the context a UI reads', () => {
    const { context } = flow.getSnapshot();
    expectTypeOf(context.error).toEqualTypeOf<FlowError | null>();
    expectTypeOf(context.tokens).toEqualTypeOf<TokenSet | null>();
    expectTypeOf(context.timers.waitUntil).toEqualTypeOf<number | null>();
    expectTypeOf<FlowError['code']>().toEqualTypeOf<MfaErrorCode>();
  });

  it('makes the output a union on `outcome`: tokens only once authenticated', () => {
    const output = flow.getSnapshot().output;
    // @ts-expect-error a cancelled flow has no tokens: narrow on `outcome` first
    void output?.tokens;
    if (output?.outcome === 'authenticated') {
      expectTypeOf(output).toEqualTypeOf<AuthenticatedOutput>();
      expectTypeOf(output.tokens).toEqualTypeOf<TokenSet>();
      expectTypeOf(output.newRecoveryCode).toEqualTypeOf<string | null>();
    } else if (output !== undefined) {
      expectTypeOf(output).toEqualTypeOf<{ outcome: 'cancelled' }>();
    }
  });
});

describe('createMfaFlow options', () => {
  it('takes a client of your own, or the options to make one, not both', () => {
    createMfaFlow({ client, intent: 'enroll' });
    createMfaFlow({ baseUrl: 'http://127.0.0.1:1', clientId: 'c' });
    createMfaFlow({ domain: 'tenant.eu.auth0.com', clientId: 'c', clientSecret: 's' });
    // @ts-expect-error without a client, a clientId is required
    createMfaFlow({ baseUrl: 'http://127.0.0.1:1' });
    // @ts-expect-error a client already has its own clientId
    createMfaFlow({ client, clientId: 'c' });
  });

  it('lets ky be extended by hooks, never its error contract', () => {
    createMfaFlow({ baseUrl: 'http://127.0.0.1:1', clientId: 'c', kyOptions: { hooks: { beforeRequest: [] } } });
    // @ts-expect-error throwing on HTTP errors would hide mfa_required and every error code
    createMfaFlow({ baseUrl: 'http://127.0.0.1:1', clientId: 'c', kyOptions: { throwHttpErrors: true } });
    // @ts-expect-error retries are the chart's, where they are visible
    createMfaFlow({ baseUrl: 'http://127.0.0.1:1', clientId: 'c', kyOptions: { retry: 2 } });
  });
});
