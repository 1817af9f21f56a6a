// Type tests of the server-flow entries: a UI drives a local flow (`viewLocalFlow`) and a server
// flow (`createRemoteMfaFlow`) through one shape; the handler's required options; a view's error
// is a chart error or `flow_lost`.
import { describe, expectTypeOf, it } from 'vitest';
import type { MfaFlowActor, MfaFlowEvent } from '../../src/index.js';
import { createRemoteMfaFlow } from '../../src/remote/index.js';
import { createMfaFlowHandler, type FlowStore, type MfaFlowHandler } from '../../src/server/index.js';
import { viewLocalFlow, type FlowView, type FlowViewError } from '../../src/view/index.js';

/** What a UI needs of a flow, whichever side it runs on. */
interface FlowDriver {
  view(): FlowView | null;
  send(event: MfaFlowEvent): unknown;
  subscribe(listener: (view: FlowView) => void): () => void;
}

declare const actor: MfaFlowActor;
declare const store: FlowStore;

describe('one shape for local and server flows', () => {
  it('both fit what a UI drives', () => {
    expectTypeOf(viewLocalFlow(actor)).toMatchTypeOf<FlowDriver>();
    expectTypeOf(createRemoteMfaFlow({ url: '/mfa-flow' })).toMatchTypeOf<FlowDriver>();
    // @ts-expect-error events are the chart's UI events
    void createRemoteMfaFlow({ url: '/mfa-flow' }).send({ type: 'otp.sumbit', otp: '1' });
  });

  it("a view's error is the chart's or flow_lost", () => {
    expectTypeOf<FlowView['error']>().toEqualTypeOf<FlowViewError | null>();
    expectTypeOf<FlowViewError['code']>().toMatchTypeOf<string>();
    const lost: FlowViewError = { code: 'flow_lost', message: 'Start again.' };
    void lost;
  });
});

describe('createMfaFlowHandler options', () => {
  it('needs a cookie secret, onAuthenticated, and a client or its options', () => {
    const base = { cookieSecret: 'x'.repeat(32), onAuthenticated: () => {} };
    expectTypeOf(createMfaFlowHandler({ ...base, baseUrl: 'http://127.0.0.1:1', clientId: 'c', store })).toEqualTypeOf<MfaFlowHandler>();
    // @ts-expect-error no clientId (nor client)
    createMfaFlowHandler({ ...base, baseUrl: 'http://127.0.0.1:1' });
    // @ts-expect-error no onAuthenticated
    createMfaFlowHandler({ cookieSecret: 'x'.repeat(32), baseUrl: 'http://127.0.0.1:1', clientId: 'c' });
    // @ts-expect-error factors are the chart's factor types
    createMfaFlowHandler({ ...base, baseUrl: 'http://127.0.0.1:1', clientId: 'c', factors: ['webauthn'] });
  });
});
