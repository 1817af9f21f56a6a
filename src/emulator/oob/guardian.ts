// The emulated Auth0 Guardian app: it "scans" a push enrollment's barcode_uri (which confirms
// the enrollment, as the real app does by calling Auth0), holds the OTP secret Guardian also
// carries, and accepts or rejects push sign-in requests, by itself (`--push auto-accept` or
// `auto-reject`) or when told to over the emulator-only routes or from code.
import { EmulatorError, invalidRequest } from '../errors.js';
import { randomString } from '../identifiers.js';
import type { PushMode, ResolvedConfig } from '../options.js';
import type { TenantStore } from '../store.js';
import type { PushAuthenticator, UserRecord } from '../storeTypes.js';
import { newTotpSecret, totpCodeAt, totpStep } from '../totp.js';
import type { Outbox } from './outbox.js';
import { emailForLog } from './recipients.js';
import type { OobTransaction } from './transactions.js';

export const DEFAULT_DEVICE_NAME = 'Emulated Guardian';
const MAX_DEVICE_NAME_LENGTH = 100;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface GuardianDevice {
  /** `dev_…`, the device part of the push authenticator's id. */
  id: string;
  name: string;
  /** The user's login (email). */
  user: string;
  /** As GET /mfa/authenticators lists them. */
  authenticatorId: string;
  otpAuthenticatorId: string | null;
  /** Guardian's offline OTP: its secret (base32) and the code valid now. */
  totpSecret: string | null;
  otp: string | null;
}

export interface PendingPushEnrollment {
  user: string;
  authenticatorId: string;
  barcodeUri: string;
  expiresAt: string;
}

export interface PushRequest {
  /** `req_…`: what accept and reject take. */
  id: string;
  deviceId: string;
  authenticatorId: string;
  user: string;
  clientId: string;
  status: 'pending' | 'accepted' | 'rejected';
  createdAt: string;
  expiresAt: string;
}

/** What code sees of the device (`emulator.guardian`). */
export interface EmulatorGuardian {
  readonly mode: PushMode;
  /** Scans a push enrollment's barcode_uri: the enrollment is confirmed, the device listed. */
  enroll(barcodeUri: string, name?: string): GuardianDevice;
  devices(): GuardianDevice[];
  /** Push enrollments waiting for their barcode to be scanned. */
  enrollments(): PendingPushEnrollment[];
  /** Sign-in requests waiting for an answer, oldest first; optionally one user's (by email). */
  requests(filter?: { user?: string }): PushRequest[];
  accept(requestId: string): PushRequest;
  reject(requestId: string): PushRequest;
}

/** The barcode Auth0 answers a push association with (its push page shows this shape). */
export function guardianBarcodeUri(input: { tenant: string; email: string; enrollmentTxId: string; baseUrl: string }): string {
  return (
    `otpauth://totp/${encodeURIComponent(input.tenant)}:${encodeURIComponent(input.email)}` +
    `?enrollment_tx_id=${input.enrollmentTxId}&base_url=${encodeURIComponent(input.baseUrl)}`
  );
}

export function newEnrollmentTxId(randomBytes: (n: number) => Uint8Array): string {
  return randomString(randomBytes, 32, ALPHANUMERIC);
}

export function newPushRequestId(randomBytes: (n: number) => Uint8Array): string {
  return `req_${randomString(randomBytes, 16, ALPHANUMERIC)}`;
}

export class EmulatedGuardian implements EmulatorGuardian {
  readonly #config: ResolvedConfig;
  readonly #store: TenantStore;
  readonly #outbox: Outbox;
  /** Barcodes of pending push enrollments, by authenticator id: the emulated camera's view of the screen. */
  readonly #barcodes = new Map<string, string>();

  constructor(config: ResolvedConfig, store: TenantStore, outbox: Outbox) {
    this.#config = config;
    this.#store = store;
    this.#outbox = outbox;
  }

  get mode(): PushMode {
    return this.#config.pushMode;
  }

  /** A push association was made: show its barcode to the device, which scans it at once in an auto mode. */
  enrollmentStarted(user: UserRecord, push: PushAuthenticator, barcodeUri: string): void {
    // Barcodes of enrollments no longer pending (expired, discarded) are of no use to anyone.
    const pending = new Set(this.#store.oob.pending().map((t) => t.authenticatorId));
    for (const id of this.#barcodes.keys()) if (!pending.has(id)) this.#barcodes.delete(id);
    this.#barcodes.set(push.id, barcodeUri);
    if (this.mode === 'manual') {
      this.#outbox.note(`push enrollment for ${emailForLog(user.email)}: scan it with POST /emulator/v1/guardian/devices {"barcodeUri": …}`);
      return;
    }
    const device = this.enroll(barcodeUri);
    this.#outbox.note(`push enrollment for ${emailForLog(user.email)}: scanned by the emulated device ${device.id} (--push ${this.mode})`);
  }

  /** A push challenge was sent: in an auto mode the device answers it at once. */
  requestSent(transaction: OobTransaction): void {
    if (this.mode === 'manual' || transaction.pushRequestId === undefined) return;
    this.#answer(transaction.pushRequestId, this.mode === 'auto-accept' ? 'accepted' : 'rejected');
  }

  enroll(barcodeUri: string, name: string = DEFAULT_DEVICE_NAME): GuardianDevice {
    if (typeof barcodeUri !== 'string') throw invalidRequest('barcodeUri must be a string');
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_DEVICE_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(name)) {
      throw invalidRequest(`name must be 1 to ${MAX_DEVICE_NAME_LENGTH} printable characters`);
    }
    const txId = enrollmentTxIdOf(barcodeUri);
    const found = this.#store.findPendingPush(txId);
    const transaction = found && this.#store.oob.pending().find((t) => t.authenticatorId === found.push.id && t.purpose === 'enrollment');
    if (!found || !transaction) {
      throw new EmulatorError(404, 'not_found', 'No pending push enrollment has this barcodeUri: it expired, was scanned already, or another factor was confirmed since.');
    }
    const otp = this.#store.completePushEnrollment(found.user, found.push, name, newTotpSecret(this.#config.randomBytes));
    transaction.state = 'accepted';
    this.#barcodes.delete(found.push.id);
    return this.#device(found.user, found.push, otp.id, otp.secret);
  }

  devices(): GuardianDevice[] {
    return this.#store.pushEnrollments().map(({ user, push, otp }) => this.#device(user, push, otp?.id ?? null, otp?.secret ?? null));
  }

  enrollments(): PendingPushEnrollment[] {
    const pending = this.#store.oob.pending().filter((t) => t.channel === 'auth0' && t.purpose === 'enrollment');
    return pending.flatMap((t) => {
      const barcodeUri = this.#barcodes.get(t.authenticatorId);
      const user = this.#store.findUserById(t.userId);
      return barcodeUri && user ? [{ user: user.email, authenticatorId: t.authenticatorId, barcodeUri, expiresAt: new Date(t.expiresAt).toISOString() }] : [];
    });
  }

  requests(filter: { user?: string } = {}): PushRequest[] {
    const wanted = filter.user?.toLowerCase();
    return this.#store.oob
      .pending()
      .filter((t) => t.channel === 'auth0' && t.purpose === 'challenge')
      .map((t) => this.#view(t))
      .filter((request) => wanted === undefined || request.user.toLowerCase() === wanted);
  }

  accept(requestId: string): PushRequest {
    return this.#answer(requestId, 'accepted');
  }

  reject(requestId: string): PushRequest {
    return this.#answer(requestId, 'rejected');
  }

  #answer(requestId: string, decision: 'accepted' | 'rejected'): PushRequest {
    const transaction = typeof requestId === 'string' ? this.#store.oob.byPushRequest(requestId) : undefined;
    if (!transaction || transaction.state === 'dead' || this.#store.oob.isExpired(transaction)) {
      throw new EmulatorError(404, 'not_found', 'No pending push request has this id: it expired, was replaced by a newer one, or never existed.');
    }
    if (transaction.state !== 'pending') throw new EmulatorError(409, 'invalid_request', 'This push request was answered already.');
    transaction.state = decision;
    this.#store.record({ type: decision === 'accepted' ? 'push_accepted' : 'push_rejected', userId: transaction.userId, authenticatorId: transaction.authenticatorId, kind: 'push' });
    return this.#view(transaction);
  }

  #view(t: OobTransaction): PushRequest {
    return {
      id: t.pushRequestId ?? '',
      deviceId: t.authenticatorId.slice(t.authenticatorId.indexOf('|') + 1),
      authenticatorId: t.authenticatorId,
      user: this.#store.findUserById(t.userId)?.email ?? '',
      clientId: t.clientId,
      status: t.state === 'accepted' || t.state === 'rejected' ? t.state : 'pending',
      createdAt: new Date(t.createdAt).toISOString(),
      expiresAt: new Date(t.expiresAt).toISOString(),
    };
  }

  #device(user: UserRecord, push: PushAuthenticator, otpId: string | null, secret: string | null): GuardianDevice {
    return {
      id: push.id.slice(push.id.indexOf('|') + 1),
      name: push.deviceName ?? DEFAULT_DEVICE_NAME,
      user: user.email,
      authenticatorId: push.id,
      otpAuthenticatorId: otpId,
      totpSecret: secret,
      otp: secret === null ? null : totpCodeAt(secret, totpStep(this.#config.clock())),
    };
  }
}

function enrollmentTxIdOf(barcodeUri: string): string {
  let url: URL;
  try {
    url = new URL(barcodeUri);
  } catch {
    throw invalidRequest('barcodeUri is not a URI');
  }
  const txId = url.protocol === 'otpauth:' ? url.searchParams.get('enrollment_tx_id') : null;
  if (!txId) throw invalidRequest('barcodeUri is not a Guardian enrollment URI: it needs otpauth:// and an enrollment_tx_id');
  return txId;
}
