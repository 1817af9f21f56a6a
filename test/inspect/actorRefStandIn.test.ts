// The stand-in an inspector gets for a live actor: it reads as the actor's identity and chart,
// never as its data, and writing to it cannot change the running actor.
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromPromise } from 'xstate';
import { redactActorRef } from '../../src/inspect/index.js';

const child = fromPromise(async ({ input }: { input: { otp: string; mfaToken: string } }) => input.otp);

function liveChild() {
  const machine = createMachine({
    context: { mfaToken: 'live-mfa-token' },
    invoke: { id: 'verify', src: child, input: { otp: '123456', mfaToken: 'live-mfa-token' } },
  });
  const parent = createActor(machine).start();
  const ref = parent.getSnapshot().children.verify!;
  return { parent, ref };
}

describe('actor stand-ins', () => {
  it('redact the input in options, and `ref` leads back to the stand-in, not the actor', () => {
    const { parent, ref } = liveChild();
    const standIn = redactActorRef(ref) as any;
    expect(JSON.stringify(standIn.options.input)).not.toMatch(/123456|live-mfa-token/);
    expect(standIn.ref).toBe(standIn);
    expect(standIn.id).toBe('verify');
    expect(standIn.sessionId).toBe(ref.sessionId);
    expect(JSON.stringify(standIn._parent.getSnapshot().context)).not.toContain('live-mfa-token');
    parent.stop();
  });

  it('hide the internals that lead back to data (system, mailbox, observers)', () => {
    const { parent, ref } = liveChild();
    const standIn = redactActorRef(ref) as any;
    for (const key of ['system', 'mailbox', 'observers', '_actorScope', 'self']) expect(standIn[key]).toBeUndefined();
    parent.stop();
  });

  it('drop writes: a cycle-breaking serializer cannot rewire the live actor', () => {
    const { parent, ref } = liveChild();
    const standIn = redactActorRef(ref) as any;
    const realParent = (ref as any)._parent;
    standIn._parent = '[Circular]';
    delete standIn.sessionId;
    Object.defineProperty(standIn, 'logic', { value: null });
    expect((ref as any)._parent).toBe(realParent);
    expect(ref.sessionId).toBeTypeOf('string');
    expect((ref as any).logic).not.toBeNull();
    parent.stop();
  });
});
