// Scriptable stand-ins for the chart's services, for tests of the chart's own logic (the real
// services are tested against the emulator in test/flow). Each call is recorded with its input.
import { fromPromise } from 'xstate';
import { mfaFlowMachine } from '../../machines/mfaFlow.js';
import type { MfaErrorCode } from '../../machines/types.js';

type ServiceName =
  | 'passwordGrant'
  | 'associate'
  | 'listAuthenticators'
  | 'challenge'
  | 'verifyCode'
  | 'pollDevice'
  | 'verifyRecoveryCode';

export type Reply = { ok: unknown } | { fail: MfaErrorCode; retryAfterMs?: number } | 'hang';

export interface Call {
  service: ServiceName;
  input: Record<string, unknown>;
  signal: AbortSignal;
}

export function codedError(code: MfaErrorCode, retryAfterMs?: number) {
  return Object.assign(new Error(code), { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** A machine whose services answer from per-service queues (the last reply repeats). */
export function scriptedMachine(script: Partial<Record<ServiceName, Reply[]>>) {
  const calls: Call[] = [];
  const service = (name: ServiceName) =>
    fromPromise<any, any>(({ input, signal }) => {
      calls.push({ service: name, input, signal });
      const queue = script[name] ?? [];
      const reply = queue.length > 1 ? queue.shift()! : queue[0];
      if (reply === undefined) return Promise.reject(new Error(`no scripted reply for ${name}`));
      if (reply === 'hang') return new Promise(() => {});
      if ('ok' in reply) return Promise.resolve(reply.ok);
      return Promise.reject(codedError(reply.fail, reply.retryAfterMs));
    });
  const machine = mfaFlowMachine.provide({
    actors: {
      passwordGrant: service('passwordGrant'),
      associate: service('associate'),
      listAuthenticators: service('listAuthenticators'),
      challenge: service('challenge'),
      verifyCode: service('verifyCode'),
      pollDevice: service('pollDevice'),
      verifyRecoveryCode: service('verifyRecoveryCode'),
    },
  });
  return { machine, calls, count: (name: ServiceName) => calls.filter((c) => c.service === name).length };
}

export const TOKENS = { accessToken: 'at', tokenType: 'Bearer', expiresIn: 600 };
export const ENROLLMENT = { factor: 'otp', secret: 'JBSWY3DPEHPK3PXP', barcodeUri: 'otpauth://totp/x:y?secret=JBSWY3DPEHPK3PXP' } as const;
export const otp = (id: string, active = true) => ({ id, authenticatorType: 'otp', active });
/** An out-of-band authenticator as listed: `sms`, `voice`, `email` or `auth0` (push). */
export const oob = (id: string, oobChannel: string, name?: string, active = true) => ({
  id,
  authenticatorType: 'oob',
  oobChannel,
  active,
  ...(name === undefined ? {} : { name }),
});
