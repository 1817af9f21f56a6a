// POST /mfa/associate with `authenticator_types: ["oob"]`: a phone number (SMS or voice) or an
// email address gets a message with a code, confirmed by the mfa-oob grant with `binding_code`;
// push (`auth0`) gets a Guardian barcode, confirmed when the device scans it and reported by
// polling the mfa-oob grant. Either way the answer carries the association's `oob_code`.
import type { Context } from 'hono';
import type { MfaApiCaller } from '../bearer.js';
import type { EmulatorDeps } from '../deps.js';
import { invalidRequest, missingParameter } from '../errors.js';
import type { FactorName } from '../factors.js';
import type { RequestParams } from '../requestParams.js';
import { digestOf } from '../storeDump.js';
import type { OobChannel, UserRecord } from '../storeTypes.js';
import { hashBindingCode } from './bindingCodes.js';
import { assertMessageAllowed, sendCode } from './delivery.js';
import { guardianBarcodeUri, newEnrollmentTxId } from './guardian.js';
import { isE164, isEmailAddress } from './recipients.js';

export type OobAssociation =
  | { factor: 'sms' | 'voice'; channel: 'sms' | 'voice'; phoneNumber: string }
  | { factor: 'email'; channel: 'email'; email: string }
  | { factor: 'push'; channel: 'auth0' };

const FACTOR_OF: Readonly<Record<OobChannel, FactorName>> = { sms: 'sms', voice: 'voice', email: 'email', auth0: 'push' };

/** Reads `oob_channels` (exactly one channel) and the recipient it needs; every problem is a 400 naming the parameter. */
export function parseOobAssociation(params: RequestParams, user: UserRecord): OobAssociation {
  const channels = params.list('oob_channels');
  if (channels === undefined || channels.length === 0) throw missingParameter('oob_channels');
  const distinct = [...new Set(channels)];
  const channel = distinct[0];
  if (distinct.length !== 1 || channel === undefined || !Object.hasOwn(FACTOR_OF, channel)) {
    throw invalidRequest('oob_channels: give one of "sms", "voice", "email" or "auth0"');
  }
  switch (channel as OobChannel) {
    case 'sms':
    case 'voice': {
      const phoneNumber = params.required('phone_number');
      if (!isE164(phoneNumber)) throw invalidRequest('phone_number must be in E.164 format: + and 7 to 15 digits, e.g. +14155550123');
      const phone = channel as 'sms' | 'voice';
      return { factor: phone, channel: phone, phoneNumber };
    }
    case 'email': {
      // auth0-auth-js: "Email address (optional, uses user's email if not provided)".
      const email = params.optional('email') ?? user.email;
      if (!isEmailAddress(email)) throw invalidRequest('email must be an email address, e.g. name@example.com');
      return { factor: 'email', channel: 'email', email };
    }
    case 'auth0':
      return { factor: 'push', channel: 'auth0' };
  }
}

export function associateOob(c: Context, deps: EmulatorDeps, caller: MfaApiCaller, association: OobAssociation): Response {
  const { user } = caller;
  // Bound to the mfa_token that asked, or (an association made with an access token) to its client.
  const binding = caller.via === 'mfa_token' ? { clientId: caller.mfaToken.clientId, mfaTokenDigest: caller.mfaToken.digest } : { clientId: caller.clientId ?? '', mfaTokenDigest: undefined };
  c.header('cache-control', 'no-store');

  if (association.channel === 'auth0') {
    const enrollmentTxId = newEnrollmentTxId(deps.config.randomBytes);
    const { authenticator, recoveryCode } = deps.store.associateOob(user, { type: 'push', enrollmentTxDigest: digestOf(enrollmentTxId) });
    const { oobCode } = deps.store.oob.create({
      userId: user.id,
      ...binding,
      authenticatorId: authenticator.id,
      purpose: 'enrollment',
      channel: 'auth0',
      bindingCodeHash: undefined,
      pushRequestId: undefined,
    });
    const barcodeUri = guardianBarcodeUri({ tenant: deps.config.tenantName, email: user.email, enrollmentTxId, baseUrl: deps.config.issuer });
    deps.guardian.enrollmentStarted(user, authenticator, barcodeUri);
    return c.json({
      authenticator_type: 'oob',
      barcode_uri: barcodeUri,
      oob_channel: 'auth0',
      oob_code: oobCode,
      ...(recoveryCode === undefined ? {} : { recovery_codes: [recoveryCode] }),
      // Emulator extension (RFC 8628's name): the least seconds between two polls of this oob_code.
      interval: deps.config.pollIntervalMs / 1000,
    });
  }

  assertMessageAllowed(deps, user, association.channel);
  const spec = association.channel === 'email' ? ({ type: 'email', email: association.email } as const) : ({ type: 'phone', phoneNumber: association.phoneNumber, channel: association.channel } as const);
  const { authenticator, recoveryCode } = deps.store.associateOob(user, spec);
  const code = sendCode(deps, { user, authenticator, listedId: authenticator.id, channel: association.channel, purpose: 'enrollment' });
  const { oobCode } = deps.store.oob.create({
    userId: user.id,
    ...binding,
    authenticatorId: authenticator.id,
    purpose: 'enrollment',
    channel: association.channel,
    bindingCodeHash: hashBindingCode(code),
    pushRequestId: undefined,
  });
  return c.json({
    authenticator_type: 'oob',
    binding_method: 'prompt',
    oob_channel: association.channel,
    oob_code: oobCode,
    ...(recoveryCode === undefined ? {} : { recovery_codes: [recoveryCode] }),
  });
}
