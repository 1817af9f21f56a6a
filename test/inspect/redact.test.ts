// The redaction functions one by one: which fields count as secrets, that the shape survives,
// and that redacted snapshots and actor stand-ins still behave like the originals.
import { describe, expect, test } from 'vitest';
import { createActor, fromPromise, type InspectionEvent } from 'xstate';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaFlowContext, PasswordGrantInput, PasswordGrantOutput } from '../../machines/types.js';
import { MfaError } from '../../src/api/errors.js';
import {
  REDACTED,
  redactActorRef,
  redactInspectionEvent,
  redactInspector,
  redactValue,
  sanitizeContext,
  sanitizeEvent,
  sanitizeSnapshot,
  serializeRedacted,
} from '../../src/inspect/index.js';

const fullContext: MfaFlowContext = {
  settings: { intent: 'enroll', mfaAudience: 'https://tenant.example/mfa/', mfaTokenTtlMs: 600_000, requireRecoveryCodeAck: true, factors: ['otp', 'sms'] },
  timers: { waitUntil: null, resendAvailableAt: 30_000, canResend: false, pollIntervalMs: 5_000, nextPollAt: null },
  mfaToken: 'Fe26.mfa-token',
  mfaTokenExpiresAt: 123,
  alreadyEnrolled: true,
  listedNone: false,
  enrolled: false,
  enrollToken: 'eyJ.enroll.token',
  enrollment: { factor: 'otp', secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/t:u?secret=JBSWY3DPEHPK3PXP', recoveryCodes: ['ABCDEFGHJKLMNPQRSTUVWXYZ'] },
  authenticators: [{ id: 'sms|dev_1', factor: 'sms', label: 'SMS to ••••0123' }],
  authenticatorId: 'sms|dev_1',
  mfaRequirements: { challenge: ['phone'] },
  enrollableFactors: ['otp', 'sms'],
  factorChoice: { factor: 'sms', phoneNumber: '+14155550123' },
  oobCode: 'Fe26.oob-code',
  submission: { kind: 'otp', code: '123456' },
  tokens: { accessToken: 'eyJ.access', idToken: 'eyJ.id', expiresIn: 86_400, scope: 'openid', tokenType: 'Bearer' },
  newRecoveryCode: 'ZYXWVUTSRQPNMLKJHGFEDCBA',
  error: { code: 'invalid_otp', message: 'That code is not right.' },
};

describe('sanitizeContext', () => {
  test('replaces every secret, keeps everything else and the shape', () => {
    expect(sanitizeContext(fullContext)).toEqual({
      ...fullContext,
      mfaToken: REDACTED,
      enrollToken: REDACTED,
      enrollment: { factor: 'otp', secret: REDACTED, barcodeUri: REDACTED, recoveryCodes: [REDACTED] },
      factorChoice: { factor: 'sms', phoneNumber: REDACTED },
      oobCode: REDACTED,
      submission: { kind: 'otp', code: REDACTED },
      tokens: { ...fullContext.tokens, accessToken: REDACTED, idToken: REDACTED },
      newRecoveryCode: REDACTED,
    });
  });

  test('an absent secret stays absent (null), so the chart still tells "none yet" from "held"', () => {
    const empty = sanitizeContext({ ...fullContext, mfaToken: null, enrollment: null, tokens: null, submission: null });
    expect(empty).toMatchObject({ mfaToken: null, enrollment: null, tokens: null, submission: null });
  });

  test('does not touch the original', () => {
    const copy = structuredClone(fullContext);
    sanitizeContext(fullContext);
    expect(fullContext).toEqual(copy);
  });

  test('a recovery-code submission is a secret too; an error code is not', () => {
    const redacted = sanitizeContext({ ...fullContext, submission: { kind: 'recoveryCode', code: 'ABCDEFGHJKLMNPQRSTUVWXYZ' } });
    expect(redacted.submission).toEqual({ kind: 'recoveryCode', code: REDACTED });
    expect(redacted.error).toEqual(fullContext.error);
  });
});

describe('sanitizeEvent', () => {
  test.each([
    [{ type: 'credentials.submit', username: 'demo@example.com', password: 'pw' }, { type: 'credentials.submit', username: 'demo@example.com', password: REDACTED }],
    [{ type: 'mfaToken.provide', mfaToken: 'tok', expiresAt: 5 }, { type: 'mfaToken.provide', mfaToken: REDACTED, expiresAt: 5 }],
    [{ type: 'otp.submit', otp: '123456' }, { type: 'otp.submit', otp: REDACTED }],
    [{ type: 'recoveryCode.submit', recoveryCode: 'abcd-efgh' }, { type: 'recoveryCode.submit', recoveryCode: REDACTED }],
    [{ type: 'authenticator.select', authenticatorId: 'totp|dev_1' }, { type: 'authenticator.select', authenticatorId: 'totp|dev_1' }],
    [{ type: 'factor.choose', factor: 'sms', phoneNumber: '+14155550123' }, { type: 'factor.choose', factor: 'sms', phoneNumber: REDACTED }],
    [{ type: 'factor.choose', factor: 'email', email: 'jane@example.com' }, { type: 'factor.choose', factor: 'email', email: REDACTED }],
    [{ type: 'retry' }, { type: 'retry' }],
  ])('%o', (event, expected) => {
    expect(sanitizeEvent(event)).toEqual(expected);
  });

  test('the outputs of services in done events', () => {
    const done = (output: unknown) => sanitizeEvent({ type: 'xstate.done.actor.0.mfaFlow.x', output });
    expect(done({ kind: 'mfa_required', mfaToken: 't' }).output).toEqual({ kind: 'mfa_required', mfaToken: REDACTED });
    expect(done({ secret: 's', barcodeUri: 'u', recoveryCodes: ['r'] }).output).toEqual({ secret: REDACTED, barcodeUri: REDACTED, recoveryCodes: [REDACTED] });
    expect(done({ tokens: { accessToken: 'a', expiresIn: 1, tokenType: 'Bearer' }, recoveryCode: 'n' }).output).toEqual({
      tokens: { accessToken: REDACTED, expiresIn: 1, tokenType: 'Bearer' },
      recoveryCode: REDACTED,
    });
  });

  test('Auth0 wire names too (snake_case)', () => {
    expect(sanitizeEvent({ type: 'x', body: { mfa_token: 'm', barcode_uri: 'b', recovery_codes: ['r'], access_token: 'a', id_token: 'i', recovery_code: 'c' } })).toEqual({
      type: 'x',
      body: { mfa_token: REDACTED, barcode_uri: REDACTED, recovery_codes: [REDACTED], access_token: REDACTED, id_token: REDACTED, recovery_code: REDACTED },
    });
  });
});

describe('errors', () => {
  test('an MfaError keeps its code and its (library-written) message', () => {
    const error = new MfaError('invalid_otp', { status: 403, error: 'invalid_grant', errorDescription: 'Invalid otp_code.' });
    expect(redactValue(error)).toEqual({
      name: 'MfaError',
      message: error.message,
      code: 'invalid_otp',
      error: 'invalid_grant',
      errorDescription: 'Invalid otp_code.',
      status: 403,
    });
  });

  test('any other error loses its message, which may quote a secret', () => {
    expect(redactValue(new SyntaxError('Unexpected token in {"otp":"123456"}'))).toEqual({ name: 'SyntaxError', message: REDACTED });
  });
});

describe('snapshots and actor references', () => {
  function runningFlow() {
    const services = mfaFlowMachine.provide({
      // A sign-in that never answers, so the service stays running with its input.
      actors: { passwordGrant: fromPromise<PasswordGrantOutput, PasswordGrantInput>(() => new Promise(() => {})) },
    });
    const actor = createActor(services, { input: { intent: 'enroll', mfaAudience: 'https://t/mfa/' } }).start();
    actor.send({ type: 'credentials.submit', username: 'demo@example.com', password: 'hunter2' });
    return actor;
  }

  test('a redacted machine snapshot still answers matches/hasTag and serialises redacted', () => {
    const actor = runningFlow();
    const snapshot = actor.getSnapshot();
    const redacted = sanitizeSnapshot({ ...snapshot, context: { ...snapshot.context, mfaToken: 'live-token' } } as typeof snapshot);
    expect(redacted.matches({ step: { needMfaToken: 'signingIn' } })).toBe(true);
    expect(redacted.hasTag('busy')).toBe(true);
    expect(redacted.context.mfaToken).toBe(REDACTED);
    expect(JSON.stringify(redacted)).not.toContain('live-token');
    actor.stop();
  });

  test('the input of an invoked service is redacted in its snapshot and through its ref', () => {
    const actor = runningFlow();
    const child = Object.values(actor.getSnapshot().children)[0];
    if (!child) throw new Error('no invoked service');
    expect(JSON.stringify(child.getSnapshot())).toContain('hunter2');
    const standIn = redactActorRef(child);
    expect(JSON.stringify(standIn.getSnapshot())).not.toContain('hunter2');
    expect(JSON.stringify(standIn.getPersistedSnapshot())).not.toContain('hunter2');
    expect(JSON.stringify(redactActorRef(actor).getPersistedSnapshot())).not.toContain('hunter2');
    expect(standIn.id).toBe(child.id);
    expect(redactActorRef(child)).toBe(standIn);
    actor.stop();
  });

  test('subscribing through a stand-in yields redacted snapshots', async () => {
    const actor = createActor(mfaFlowMachine, { input: { intent: 'enroll', mfaAudience: 'https://t/mfa/' } }).start();
    const seen: string[] = [];
    const subscription = redactActorRef(actor).subscribe((snapshot) => seen.push(JSON.stringify(snapshot)));
    actor.send({ type: 'mfaToken.provide', mfaToken: 'provided-token' });
    subscription.unsubscribe();
    actor.stop();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('')).not.toContain('provided-token');
  });
});

describe('inspection events', () => {
  test('redactInspector accepts a function, an observer or an object with .inspect', () => {
    const received: InspectionEvent[] = [];
    const run = (inspect: ReturnType<typeof redactInspector>) => {
      const actor = createActor(mfaFlowMachine, { input: { intent: 'enroll', mfaAudience: 'https://t/mfa/' }, inspect }).start();
      actor.send({ type: 'mfaToken.provide', mfaToken: 'provided-token' });
      actor.stop();
    };
    run(redactInspector((event) => received.push(event)));
    run(redactInspector({ next: (event) => received.push(event) }));
    run(redactInspector({ inspect: { next: (event: InspectionEvent) => received.push(event) } }));
    expect(new Set(received.map((e) => e.type))).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action']));
    expect(JSON.stringify(received)).not.toContain('provided-token');
  });

  test('action params are redacted (a raised or sent event may carry data)', () => {
    const event = redactInspectionEvent({
      type: '@xstate.action',
      rootId: 'x:0',
      actorRef: createActor(mfaFlowMachine, { input: { intent: 'enroll', mfaAudience: 'm' } }),
      action: { type: 'xstate.raise', params: { event: { type: 'otp.submit', otp: '123456' } } },
    });
    expect(event.action.params).toEqual({ event: { type: 'otp.submit', otp: REDACTED } });
  });

  test('serializeRedacted returns plain JSON data with cycles cut', () => {
    const looped: Record<string, unknown> = { type: 'x', password: 'pw' };
    looped.self = looped;
    expect(serializeRedacted(looped)).toEqual({ type: 'x', password: REDACTED, self: '[circular]' });
  });
});
