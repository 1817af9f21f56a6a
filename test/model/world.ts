// What the tests know about the emulator's world, and how they change it directly: the user's
// OTP secrets and recovery codes (learnt from setup and from what flows were shown), the
// authenticators and attempt bucket as store.dump() shows them, and direct calls to the
// emulator's endpoints (setup, draining the attempt bucket) that bypass the flow under test.
import { createHash } from 'node:crypto';
import type { FlowHarness } from '../flow/flowHarness.js';
import { totpCode } from '../helpers/totp.js';

export const USER = { email: 'demo@example.com', password: 'demo-password' } as const;
export const CLIENT = { id: 'demo-client', secret: 'demo-secret' } as const;
export const GRANT = {
  password: 'password',
  mfaOtp: 'http://auth0.com/oauth/grant-type/mfa-otp',
  mfaRecoveryCode: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  mfaOob: 'http://auth0.com/oauth/grant-type/mfa-oob',
} as const;
/** Where the message factors' codes go (what the flow is given as `phoneNumber`, typed differently). */
export const PHONE = '+14155550123';
export type OobFactor = 'sms' | 'voice' | 'email' | 'push';
const CHANNEL_OF: Record<OobFactor, string> = { sms: 'sms', voice: 'voice', email: 'email', push: 'auth0' };

const STEP_MS = 30_000;
const PENDING_TTL_MS = 24 * 60 * 60 * 1000;

export const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
export const totpStep = (ms: number) => Math.floor(ms / STEP_MS);
export const normalizeRecovery = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

/** The parts of store.dump() these tests read (see src/emulator/store.ts). */
export interface DumpedAuthenticator {
  type: 'otp' | 'recovery-code' | 'phone' | 'email' | 'push';
  id: string;
  active: boolean;
  createdAt: number;
  secretDigest?: string;
  lastAcceptedStep?: number | null;
  codeHash?: string | null;
}
export interface DumpedUser {
  email: string;
  bucket: { remaining: number; anchor: number };
  authenticators: DumpedAuthenticator[];
}

export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** The emulator side of one test: knowledge of secrets, and direct calls that bypass the flow. */
export class World {
  readonly h: FlowHarness;
  /** OTP secrets seen, by digest (store.dump() shows digests, so a secret is matched to its authenticator). */
  readonly secrets = new Map<string, string>();
  /** Every recovery code seen; the one whose digest the store holds is the current one. */
  readonly recoveryCodes = new Set<string>();

  constructor(h: FlowHarness) {
    this.h = h;
  }

  // ---- direct HTTP ------------------------------------------------------------------------

  async call(method: string, path: string, init: { form?: Record<string, string>; json?: unknown; bearer?: string } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`;
    const response = await this.h.emulator.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  token(params: Record<string, string>): Promise<HttpAnswer> {
    return this.call('POST', '/oauth/token', { form: { client_id: CLIENT.id, client_secret: CLIENT.secret, ...params } });
  }

  async mfaToken(): Promise<string> {
    const answer = await this.token({ grant_type: GRANT.password, username: USER.email, password: USER.password });
    if (answer.status !== 403 || typeof answer.body?.mfa_token !== 'string') throw new Error(`no mfa_token: ${answer.status}`);
    return answer.body.mfa_token as string;
  }

  // ---- setup --------------------------------------------------------------------------------

  /** Enrolls and confirms one OTP for a user without any (first association: with a recovery code). */
  async enrollFirst(mfaToken?: string): Promise<void> {
    const mfa = mfaToken ?? (await this.mfaToken());
    const association = await this.call('POST', '/mfa/associate', { bearer: mfa, json: { authenticator_types: ['otp'] } });
    if (association.status !== 200) throw new Error(`associate: ${association.status} ${JSON.stringify(association.body)}`);
    this.learnSecret(association.body.secret);
    for (const code of association.body.recovery_codes ?? []) this.recoveryCodes.add(code);
    const confirmed = await this.token({ grant_type: GRANT.mfaOtp, mfa_token: mfa, otp: totpCode(association.body.secret, this.h.now()) });
    if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status}`);
    this.h.advance(STEP_MS);
  }

  /** Enrolls a further OTP the way Auth0 requires: challenge the existing one for an `enroll` token first. */
  async enrollAnother(mfaToken?: string): Promise<void> {
    const mfa = mfaToken ?? (await this.mfaToken());
    const otp = this.rightOtp('verify');
    if (otp === undefined) throw new Error('enrollAnother: no known active OTP');
    const access = await this.token({
      grant_type: GRANT.mfaOtp,
      mfa_token: mfa,
      otp,
      audience: this.h.emulator.mfaAudience,
      scope: 'enroll',
    });
    if (access.status !== 200) throw new Error(`enroll token: ${access.status}`);
    const association = await this.call('POST', '/mfa/associate', { bearer: access.body.access_token, json: { authenticator_types: ['otp'] } });
    if (association.status !== 200) throw new Error(`associate: ${association.status}`);
    this.learnSecret(association.body.secret);
    const confirmed = await this.token({ grant_type: GRANT.mfaOtp, mfa_token: mfa, otp: totpCode(association.body.secret, this.h.now()) });
    if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status}`);
    this.h.advance(STEP_MS);
  }

  /** An MFA-API token of scope `enroll`, passing the user's OTP app's challenge as Auth0 requires. */
  async enrollToken(mfaToken: string): Promise<string> {
    if (this.currentStepSpent('verify')) this.h.advance(STEP_MS);
    const otp = this.rightOtp('verify');
    if (otp === undefined) throw new Error('enrollToken: no known active OTP');
    const access = await this.token({ grant_type: GRANT.mfaOtp, mfa_token: mfaToken, otp, audience: this.h.emulator.mfaAudience, scope: 'enroll' });
    if (access.status !== 200) throw new Error(`enroll token: ${access.status}`);
    this.h.advance(STEP_MS);
    return access.body.access_token as string;
  }

  /**
   * Enrolls and confirms an out-of-band factor over HTTP, as a user with a phone would: the code
   * read from the emulator's outbox, the push barcode scanned by its emulated Guardian device.
   * `bearer` is the MFA token for a first factor, an `enroll` token for another.
   */
  async enrollOob(factor: OobFactor, mfaToken: string, bearer: string = mfaToken): Promise<void> {
    const association = await this.call('POST', '/mfa/associate', {
      bearer,
      json: { authenticator_types: ['oob'], oob_channels: [CHANNEL_OF[factor]], ...(factor === 'sms' || factor === 'voice' ? { phone_number: PHONE } : {}) },
    });
    if (association.status !== 200) throw new Error(`associate ${factor}: ${association.status} ${JSON.stringify(association.body)}`);
    for (const code of association.body.recovery_codes ?? []) this.recoveryCodes.add(code);
    if (factor === 'push') {
      await this.scan(association.body.barcode_uri);
      return;
    }
    const code = await this.lastCode();
    const confirmed = await this.token({ grant_type: GRANT.mfaOob, mfa_token: mfaToken, oob_code: association.body.oob_code, binding_code: code ?? '' });
    if (confirmed.status !== 200) throw new Error(`confirm ${factor}: ${confirmed.status}`);
  }

  // ---- the user's phone: the outbox and the emulated Guardian device, over their routes --------

  /** The code of the newest message sent (SMS, call or email), as the user reads it. */
  async lastCode(): Promise<string | undefined> {
    const outbox = await this.call('GET', '/emulator/v1/outbox');
    if (outbox.status !== 200) throw new Error(`outbox: ${outbox.status}`);
    const messages = (outbox.body.messages as Array<{ code: string | null }>).filter((m) => m.code !== null);
    return messages.at(-1)?.code ?? undefined;
  }

  /** The Guardian app scans a push enrollment's QR code; it also carries an OTP app, whose secret it holds. */
  async scan(barcodeUri: string): Promise<boolean> {
    const scanned = await this.call('POST', '/emulator/v1/guardian/devices', { json: { barcodeUri } });
    if (scanned.status !== 201) return false;
    this.learnSecret(scanned.body.device?.totpSecret ?? undefined);
    return true;
  }

  /** Answers the newest pending push sign-in request on the device; false when there is none. */
  async answerPush(answer: 'accept' | 'reject'): Promise<boolean> {
    const listed = await this.call('GET', `/emulator/v1/guardian/requests?user=${encodeURIComponent(USER.email)}`);
    const request = (listed.body?.requests as Array<{ id: string }> | undefined)?.at(-1);
    if (request === undefined) return false;
    const answered = await this.call('POST', `/emulator/v1/guardian/requests/${encodeURIComponent(request.id)}/${answer}`);
    return answered.status === 200;
  }

  /** Spends every attempt left in the user's bucket with wrong codes (a real lockout). */
  async drainAttempts(mfaToken: string): Promise<void> {
    while (this.attemptsLeft() > 0) {
      const answer = await this.token({ grant_type: GRANT.mfaOtp, mfa_token: mfaToken, otp: this.wrongOtp() });
      if (answer.status !== 403) throw new Error(`drain: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }

  // ---- what the store says ---------------------------------------------------------------

  user(): DumpedUser {
    const dump = this.h.emulator.store.dump() as { users: DumpedUser[] };
    const user = dump.users.find((u) => u.email === USER.email);
    if (!user) throw new Error('no demo user in dump()');
    return user;
  }

  attemptsLeft(): number {
    return this.h.emulator.store.attemptsRemaining(USER.email);
  }

  /** Authenticators as the emulator lists them (expired pending ones hidden). */
  visible(): DumpedAuthenticator[] {
    const now = this.h.now();
    return this.user().authenticators.filter((a) => a.active || a.type !== 'otp' || now - a.createdAt < PENDING_TTL_MS);
  }

  activeOtps(): DumpedAuthenticator[] {
    return this.visible().filter((a) => a.type === 'otp' && a.active);
  }

  hasActiveAuthenticator(): boolean {
    return this.user().authenticators.some((a) => a.active);
  }

  /** What the mfa-otp grant checks a code against: active OTPs and the newest pending one. */
  otpCandidates(): DumpedAuthenticator[] {
    const otps = this.visible().filter((a) => a.type === 'otp');
    const newestPending = otps.filter((a) => !a.active).at(-1);
    return [...otps.filter((a) => a.active), ...(newestPending ? [newestPending] : [])];
  }

  learnSecret(secret: string | undefined): void {
    if (typeof secret === 'string') this.secrets.set(digest(secret), secret);
  }

  secretOf(authenticator: DumpedAuthenticator): string | undefined {
    return authenticator.secretDigest === undefined ? undefined : this.secrets.get(authenticator.secretDigest);
  }

  /** Whether the emulator would accept `otp` now (a candidate's code, not a replay, an attempt left). */
  wouldAcceptOtp(otp: string): boolean {
    if (this.attemptsLeft() <= 0) return false;
    const step = totpStep(this.h.now());
    return this.otpCandidates().some((a) => {
      const secret = this.secretOf(a);
      if (secret === undefined) return false;
      return [step, step - 1].some(
        (s) => totpCode(secret, s * STEP_MS) === otp && (a.lastAcceptedStep == null || s > a.lastAcceptedStep),
      );
    });
  }

  /**
   * A code the emulator accepts now: for `confirm`, the pending authenticator of `secret`; for
   * `verify`, any active one. Undefined when no candidate's secret is known or the current step
   * was already used (the caller moves the clock on first: see `freshStepFor`).
   */
  rightOtp(purpose: 'confirm' | 'verify', secret?: string): string | undefined {
    const step = totpStep(this.h.now());
    const pool =
      purpose === 'confirm' && secret !== undefined
        ? this.otpCandidates().filter((a) => a.secretDigest === digest(secret))
        : this.otpCandidates().filter((a) => a.active);
    for (const a of pool) {
      const known = this.secretOf(a);
      if (known !== undefined && (a.lastAcceptedStep == null || a.lastAcceptedStep < step)) return totpCode(known, this.h.now());
    }
    return undefined;
  }

  /** Whether the current TOTP step is spent for every active candidate (a right code would be a replay). */
  currentStepSpent(purpose: 'confirm' | 'verify', secret?: string): boolean {
    const step = totpStep(this.h.now());
    const pool =
      purpose === 'confirm' && secret !== undefined
        ? this.otpCandidates().filter((a) => a.secretDigest === digest(secret))
        : this.otpCandidates().filter((a) => a.active);
    return pool.length > 0 && pool.every((a) => a.lastAcceptedStep != null && a.lastAcceptedStep >= step);
  }

  /** Six digits that no candidate accepts around now (every secret known or not: digests are checked). */
  wrongOtp(): string {
    const now = this.h.now();
    const taken = new Set<string>();
    for (const secret of this.secrets.values()) {
      for (let offset = -2; offset <= 2; offset++) taken.add(totpCode(secret, now, { stepOffset: offset }));
    }
    for (let n = 123_456; ; n = (n + 7_919) % 1_000_000) {
      const candidate = String(n).padStart(6, '0');
      if (!taken.has(candidate)) return candidate;
    }
  }

  /** The recovery code the emulator would accept now, if the tests know it. */
  currentRecoveryCode(): string | undefined {
    const recovery = this.user().authenticators.find((a) => a.type === 'recovery-code' && a.active);
    if (!recovery?.codeHash) return undefined;
    for (const code of this.recoveryCodes) if (digest(normalizeRecovery(code)) === recovery.codeHash) return code;
    return undefined;
  }

  /** Audit-log entries of one type. */
  events(type: string) {
    return this.h.emulator.store.events().filter((e) => e.type === type);
  }
}
