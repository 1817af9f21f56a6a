// The in-process emulator harness (emulatorHarness.ts) plus what SMS, voice, email and push need:
// out-of-band association, challenge and the mfa-oob grant over HTTP, the codes read back from
// the outbox route, the emulated Guardian device answered over its routes, and the message log.
import { expect } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { createHarness, DEMO, type Harness, type HttpResult } from './emulatorHarness.js';
import { createTestClock, type TestClock } from './testClock.js';

export const GRANT_MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob';
export const PHONE = '+14155550123';
export const OTHER_PHONE = '+447700900123';

export type OobFactor = 'sms' | 'voice' | 'email' | 'push';
export const OOB_FACTORS: readonly OobFactor[] = ['sms', 'voice', 'email', 'push'];

/** The association body Auth0's pages show for each factor. */
export function oobAssociation(factor: OobFactor, recipient?: string): Record<string, unknown> {
  switch (factor) {
    case 'sms':
    case 'voice':
      return { authenticator_types: ['oob'], oob_channels: [factor], phone_number: recipient ?? PHONE };
    case 'email':
      return { authenticator_types: ['oob'], oob_channels: ['email'], ...(recipient === undefined ? {} : { email: recipient }) };
    case 'push':
      return { authenticator_types: ['oob'], oob_channels: ['auth0'] };
  }
}

export interface OobEnrollment {
  mfaToken: string;
  recoveryCode: string;
  /** As GET /mfa/authenticators lists it (`sms|dev_…`, `email|dev_…`, `push|dev_…`). */
  authenticatorId: string;
  /** Push: the emulated device as POST /emulator/v1/guardian/devices answered it. */
  device?: { id: string; totpSecret: string; otpAuthenticatorId: string };
}

export interface OobHarness extends Harness {
  /** The message log (one line per message sent), apart from the request log. */
  messageLines: string[];
  associateOob(bearer: string, body: Record<string, unknown>): Promise<HttpResult>;
  challengeOob(mfaToken: string, authenticatorId: string, params?: Record<string, string>): Promise<HttpResult>;
  verifyOob(mfaToken: string, oobCode: string, bindingCode?: string, params?: Record<string, string>): Promise<HttpResult>;
  /** GET /emulator/v1/outbox with a query (e.g. `to`, `channel`). */
  outbox(query?: Record<string, string>): Promise<HttpResult>;
  /** The code of the newest message to `to`, read over GET /emulator/v1/outbox. */
  codeFor(to: string): Promise<string>;
  /** POST /emulator/v1/guardian/devices: the device scans a barcode. */
  scan(barcodeUri: string, name?: string): Promise<HttpResult>;
  /** The pending push requests, over GET /emulator/v1/guardian/requests. */
  pushRequests(): Promise<Array<{ id: string; authenticatorId: string; user: string; status: string }>>;
  answerPush(requestId: string, answer: 'accept' | 'reject'): Promise<HttpResult>;
  /** Associates and confirms one factor for the demo user (a first enrollment: with a recovery code). */
  enrollOob(factor: OobFactor, recipient?: string): Promise<OobEnrollment>;
}

export function recipientOf(factor: OobFactor, recipient?: string): string {
  return recipient ?? (factor === 'email' ? DEMO.email : PHONE);
}

export function createOobHarness(options: EmulatorOptions = {}, clock: TestClock = createTestClock()): OobHarness {
  const messageLines: string[] = [];
  const h = createHarness({ messageLog: (line) => messageLines.push(line), ...options }, clock);

  const oob: Omit<OobHarness, keyof Harness> = {
    messageLines,
    associateOob: (bearer, body) => h.associate(bearer, body),
    challengeOob: (mfa, authenticatorId, params = {}) => h.challenge({ mfa_token: mfa, challenge_type: 'oob', authenticator_id: authenticatorId, ...params }),
    verifyOob: (mfa, oobCode, bindingCode, params = {}) =>
      h.token({ grant_type: GRANT_MFA_OOB, mfa_token: mfa, oob_code: oobCode, ...(bindingCode === undefined ? {} : { binding_code: bindingCode }), ...params }),
    outbox: (query = {}) => h.send('GET', `/emulator/v1/outbox?${new URLSearchParams(query)}`),
    async codeFor(to) {
      const answer = await oob.outbox({ to });
      expect(answer.status, answer.text).toBe(200);
      const code = answer.body.messages.at(-1)?.code;
      expect(code, `no message to ${to}`).toMatch(/^\d{6}$/);
      return code as string;
    },
    scan: (barcodeUri, name) => h.send('POST', '/emulator/v1/guardian/devices', { json: { barcodeUri, ...(name === undefined ? {} : { name }) } }),
    async pushRequests() {
      const answer = await h.send('GET', '/emulator/v1/guardian/requests');
      expect(answer.status, answer.text).toBe(200);
      return answer.body.requests;
    },
    answerPush: (requestId, answer) => h.send('POST', `/emulator/v1/guardian/requests/${encodeURIComponent(requestId)}/${answer}`),
    async enrollOob(factor, recipient) {
      const mfaToken = await h.mfaToken();
      const association = await oob.associateOob(mfaToken, oobAssociation(factor, recipient));
      expect(association.status, association.text).toBe(200);
      const recoveryCode = association.body.recovery_codes?.[0] as string;
      let device: OobEnrollment['device'];
      if (factor === 'push') {
        const scanned = await oob.scan(association.body.barcode_uri);
        expect(scanned.status, scanned.text).toBe(201);
        device = scanned.body.device;
        const confirmed = await oob.verifyOob(mfaToken, association.body.oob_code);
        expect(confirmed.status, confirmed.text).toBe(200);
      } else {
        const confirmed = await oob.verifyOob(mfaToken, association.body.oob_code, await oob.codeFor(recipientOf(factor, recipient)));
        expect(confirmed.status, confirmed.text).toBe(200);
      }
      const prefix = factor === 'push' ? 'push|' : `${factor}|`;
      const listed = h.emulator.store.authenticators(DEMO.email).find((a) => a.id.startsWith(prefix) && a.active);
      return { mfaToken, recoveryCode, authenticatorId: listed?.id ?? '', ...(device === undefined ? {} : { device }) };
    },
  };
  return Object.assign(h, oob);
}
