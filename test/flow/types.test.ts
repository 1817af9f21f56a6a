// Type tests: events, context and output are typed, so a wrong event payload does not compile.
// `tsc --noEmit` (run by `npm test`) checks the @ts-expect-error lines: each must be an error.
import { describe, expectTypeOf, it } from 'vitest';
import { createMfaFlow, type FlowError, type MfaErrorCode, type MfaFlowActor, type TokenSet } from '../../src/index.js';

const flow: MfaFlowActor = createMfaFlow({ baseUrl: 'http://127.0.0.1:1', clientId: 'c' });

function wrongPayloads(actor: MfaFlowActor) {
  // @ts-expect-error otp must be a string
  actor.send({ type: 'otp.submit', otp: 123456 });
  // @ts-expect-error credentials need a password
  actor.send({ type: 'credentials.submit', username: 'a@b.c' });
  // @ts-expect-error unknown event type
  actor.send({ type: 'otp.sumbit', otp: '123456' });
  // @ts-expect-error the selection is by authenticatorId
  actor.send({ type: 'authenticator.select', id: 'totp|x' });
  // @ts-expect-error not a tag of the chart
  actor.getSnapshot().hasTag('loading');
  // @ts-expect-error not a state of the chart
  actor.getSnapshot().matches('verifyingOtp');
}

describe('types', () => {
  it('types context, output and error codes', () => {
    expectTypeOf(wrongPayloads).toBeFunction();
    const snapshot = flow.getSnapshot();
    expectTypeOf(snapshot.context.error).toEqualTypeOf<FlowError | null>();
    expectTypeOf(snapshot.context.tokens).toEqualTypeOf<TokenSet | null>();
    expectTypeOf<FlowError['code']>().toEqualTypeOf<MfaErrorCode>();
    expectTypeOf(snapshot.output).toEqualTypeOf<
      | { outcome: 'authenticated' | 'cancelled'; tokens: TokenSet | null; newRecoveryCode: string | null; enrolled: boolean }
      | undefined
    >();
    expectTypeOf(flow.send).parameter(0).toMatchTypeOf<{ type: string }>();
  });
});
