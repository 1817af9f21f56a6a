// Model-based test of the emulator's enrollment rules, for every factor: random sequences of
// sign-ins, associations of an OTP app, SMS, voice, email or push (with an mfa_token or an enroll
// access token), codes of any association ever made (OTP codes, binding codes from the outbox,
// push barcodes scanned by the emulated device, push polls), recovery codes and deletions, all
// over HTTP. The model records who associated what and when; after every request it checks the
// rule of issue 11 §1: an authenticator only ever becomes active if it was associated after the
// user's last confirmation, by someone holding either no factor (an mfa_token while the user had
// none) or a passed challenge (an access token). It also checks that the recovery code that works
// is the confirming association's (or the replacement a recovery grant handed out), that a code
// of a dead OTP association is refused like any wrong code, and that a dead out-of-band
// association's oob_code never gives tokens.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness, type HttpResult } from '../helpers/emulatorHarness.js';
import { GRANT_MFA_OOB, oobAssociation, OTHER_PHONE, type OobFactor } from '../helpers/oobHarness.js';
import { totpCode } from '../helpers/totp.js';
import { DEEP, describeRun, runSettings } from '../property/runSettings.js';

const STEP_MS = 30_000;
const ALL_MFA_SCOPES = 'enroll read:authenticators remove:authenticators';

interface Association {
  factor: 'otp' | OobFactor;
  /** OTP: the secret; out-of-band: none. */
  secret: string;
  secretDigest: string;
  /** Out-of-band: the oob_code, the code its message carried, the push barcode, the record it made. */
  oobCode: string | undefined;
  bindingCode: string | undefined;
  barcodeUri: string | undefined;
  authenticatorId: string | undefined;
  /** Index of the request that made it. */
  at: number;
  via: 'mfa_token' | 'access_token';
  /** Whether the user had an active authenticator when it was made. */
  userHadFactor: boolean;
  recoveryCode: string | undefined;
}

interface Model {
  requests: number;
  mfaTokens: string[];
  /** MFA-API access tokens: each one the fruit of a code grant that passed. */
  accessTokens: string[];
  associations: Association[];
  /** Index of the last request that made an authenticator active (-1: none yet). */
  lastConfirmationAt: number;
  /** Ids of the active authenticators (recovery code aside) after the last request. */
  activeIds: Set<string>;
  recoveryCodesSeen: string[];
  /** The recovery code that must be the one that works, when the user has one. */
  expectedRecoveryCode: string | undefined;
  confirmations: number;
}

interface Real {
  h: Harness;
}

interface DumpedUser {
  authenticators: Array<{ type: string; id: string; active: boolean; secretDigest?: string; codeHash?: string | null; companionOf?: string | null }>;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const normalizeRecovery = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

function user(real: Real): DumpedUser {
  const dump = real.h.emulator.store.dump() as { users: DumpedUser[] };
  const found = dump.users[0];
  if (!found) throw new Error('no user in dump()');
  return found;
}

/** The authenticator record an oob_code stands for, as the store's dump tells it. */
function recordOf(real: Real, oobCode: string): string | undefined {
  const dump = real.h.emulator.store.dump() as { oobTransactions: Array<{ digest: string; authenticatorId: string }> };
  return dump.oobTransactions.find((t) => t.digest === sha256(oobCode))?.authenticatorId;
}

/** One request to the emulator, then the rule checked against what the store now holds. */
abstract class EnrollmentCommand implements fc.AsyncCommand<Model, Real> {
  check(_: Readonly<Model>): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    const at = model.requests++;
    const hadFactor = user(real).authenticators.some((a) => a.active);
    await this.act(model, real, at, hadFactor);
    checkRule(model, real, at, this.toString());
  }

  protected abstract act(model: Model, real: Real, at: number, hadFactor: boolean): Promise<void>;
  abstract toString(): string;
}

function checkRule(model: Model, real: Real, at: number, command: string): void {
  const authenticators = user(real).authenticators;
  const active = authenticators.filter((a) => a.type !== 'recovery-code' && a.active);
  const fail = (why: string) => {
    throw new Error(`after ${command}: ${why}`);
  };
  // Which association made each newly active authenticator: an OTP by its secret, Guardian's OTP by
  // the push enrollment it came with, an out-of-band one by the record its oob_code named.
  const madeBy = (a: (typeof active)[number]): Association | undefined =>
    a.companionOf
      ? model.associations.find((x) => x.authenticatorId === a.companionOf)
      : a.type === 'otp'
        ? model.associations.find((x) => x.factor === 'otp' && x.secretDigest === a.secretDigest)
        : model.associations.find((x) => x.authenticatorId === a.id);
  const fresh = active.filter((a) => !model.activeIds.has(a.id));
  const confirmed = new Set<Association>();
  for (const a of fresh) {
    const association = madeBy(a);
    if (!association) fail(`an authenticator nobody associated is active: ${a.id}`);
    else confirmed.add(association);
  }
  if (confirmed.size > 1) fail(`${confirmed.size} associations became active at once`);
  for (const association of confirmed) {
    if (association.at < model.lastConfirmationAt) {
      fail(`an association made at request ${association.at} became active although the user confirmed another at request ${model.lastConfirmationAt}`);
    }
    if (association.via === 'mfa_token' && association.userHadFactor) fail('an association made with an mfa_token while the user had a factor became active');
    model.lastConfirmationAt = at;
    model.confirmations++;
    if (association.recoveryCode !== undefined) model.expectedRecoveryCode = association.recoveryCode;
  }
  model.activeIds = new Set(active.map((a) => a.id));

  const recovery = authenticators.find((a) => a.type === 'recovery-code' && a.active);
  if (recovery?.codeHash) {
    const expected = model.expectedRecoveryCode;
    if (expected === undefined || sha256(normalizeRecovery(expected)) !== recovery.codeHash) {
      fail('the recovery code that works is neither the confirming association\'s nor the last replacement');
    }
  }
}

/** Dead: made before the last confirmation and never made active (discarded by it, or left to expire). */
function isDead(model: Model, association: Association, real: Real): boolean {
  if (association.at >= model.lastConfirmationAt) return false;
  const active = user(real).authenticators.filter((a) => a.active);
  return association.factor === 'otp' ? !active.some((a) => a.secretDigest === association.secretDigest) : !active.some((a) => a.id === association.authenticatorId);
}

const pick = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

class SignIn extends EnrollmentCommand {
  async act(model: Model, real: Real) {
    model.mfaTokens.push(await real.h.mfaToken());
  }
  toString() {
    return 'signIn';
  }
}

class Associate extends EnrollmentCommand {
  constructor(
    readonly factor: 'otp' | OobFactor,
    readonly withAccessToken: boolean,
    readonly token: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return (this.withAccessToken ? model.accessTokens : model.mfaTokens).length > 0;
  }
  async act(model: Model, real: Real, at: number, hadFactor: boolean) {
    const bearer = pick(this.withAccessToken ? model.accessTokens : model.mfaTokens, this.token) ?? '';
    const outbox = real.h.emulator.outbox;
    const sent = outbox.messages().length;
    // The second phone number keeps SMS and voice associations apart in the outbox.
    const answer = await real.h.associate(bearer, this.factor === 'otp' ? { authenticator_types: ['otp'] } : oobAssociation(this.factor, this.factor === 'voice' ? OTHER_PHONE : undefined));
    if (answer.status === 200) {
      const secret = (answer.body.secret as string | undefined) ?? '';
      const oobCode = answer.body.oob_code as string | undefined;
      const recoveryCode = (answer.body.recovery_codes as string[] | undefined)?.[0];
      if (recoveryCode !== undefined) model.recoveryCodesSeen.push(recoveryCode);
      model.associations.push({
        factor: this.factor,
        secret,
        secretDigest: sha256(secret),
        oobCode,
        bindingCode: outbox.messages().length > sent ? (outbox.latest()?.code ?? undefined) : undefined,
        barcodeUri: this.factor === 'push' ? (answer.body.barcode_uri as string) : undefined,
        authenticatorId: oobCode === undefined ? undefined : recordOf(real, oobCode),
        at,
        via: this.withAccessToken ? 'access_token' : 'mfa_token',
        userHadFactor: hadFactor,
        recoveryCode,
      });
    } else if (!this.withAccessToken && hadFactor) {
      expect(answer.body.error_description, answer.text).toBe('User is already enrolled.');
    }
  }
  toString() {
    return `associate(${this.factor}, ${this.withAccessToken ? 'accessToken' : 'mfaToken'}#${this.token})`;
  }
}

/** The current code of one association ever made (live, confirmed or dead). */
class SubmitCode extends EnrollmentCommand {
  constructor(
    readonly association: number,
    readonly token: number,
    readonly askForAccessToken: boolean,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.associations.length > 0 && model.mfaTokens.length > 0;
  }
  async act(model: Model, real: Real) {
    const association = pick(model.associations, this.association)!;
    real.h.clock.advance(STEP_MS); // a fresh step: no answer here is a replay refusal
    const dead = isDead(model, association, real);
    const params: Record<string, string> = this.askForAccessToken ? { audience: real.h.emulator.mfaAudience, scope: ALL_MFA_SCOPES } : {};
    const mfaToken = pick(model.mfaTokens, this.token)!;
    let answer: HttpResult;
    if (association.factor === 'otp') {
      answer = await real.h.verifyOtp(mfaToken, totpCode(association.secret, real.h.clock.now()), params);
      if (dead) expectWrongCode(answer, 'Invalid otp_code.');
    } else {
      // A binding code (SMS, voice, email), or a push poll (oob_code alone).
      answer = await real.h.token({ grant_type: GRANT_MFA_OOB, mfa_token: mfaToken, oob_code: association.oobCode ?? '', ...(association.bindingCode === undefined ? {} : { binding_code: association.bindingCode }), ...params });
      if (dead) expect(answer.status, `a dead ${association.factor} association's oob_code: ${answer.text}`).toBeGreaterThanOrEqual(400);
    }
    if (answer.status === 200 && this.askForAccessToken) model.accessTokens.push(answer.body.access_token as string);
  }
  toString() {
    return `code(association#${this.association}, mfaToken#${this.token}${this.askForAccessToken ? ', enroll token' : ''})`;
  }
}

/** The emulated Guardian app scans a push association's barcode: that confirms it (or is refused, when it is dead). */
class ScanBarcode extends EnrollmentCommand {
  constructor(readonly association: number) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.associations.some((a) => a.barcodeUri !== undefined);
  }
  async act(model: Model, real: Real) {
    const pushes = model.associations.filter((a) => a.barcodeUri !== undefined);
    const association = pick(pushes, this.association)!;
    const dead = isDead(model, association, real);
    const answer = await real.h.send('POST', '/emulator/v1/guardian/devices', { json: { barcodeUri: association.barcodeUri } });
    if (dead) expect(answer.status, answer.text).toBe(404);
  }
  toString() {
    return `scan(push#${this.association})`;
  }
}

class UseRecoveryCode extends EnrollmentCommand {
  constructor(
    readonly code: number,
    readonly token: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.recoveryCodesSeen.length > 0 && model.mfaTokens.length > 0;
  }
  async act(model: Model, real: Real) {
    const code = pick(model.recoveryCodesSeen, this.code)!;
    const answer = await real.h.verifyRecoveryCode(pick(model.mfaTokens, this.token)!, code);
    if (answer.status === 200) {
      expect(code, 'a recovery code other than the expected one worked').toBe(model.expectedRecoveryCode);
      const replacement = answer.body.recovery_code as string;
      model.recoveryCodesSeen.push(replacement);
      model.expectedRecoveryCode = replacement;
    } else {
      expectWrongCode(answer, 'Invalid recovery_code.');
    }
  }
  toString() {
    return `recoveryCode(#${this.code}, mfaToken#${this.token})`;
  }
}

class DeleteAuthenticator extends EnrollmentCommand {
  constructor(
    readonly token: number,
    readonly which: number,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.accessTokens.length > 0;
  }
  async act(model: Model, real: Real) {
    const bearer = pick(model.accessTokens, this.token)!;
    const listed = await real.h.listAuthenticators(bearer);
    if (listed.status !== 200) return; // an expired access token
    const target = pick(listed.body as Array<{ id: string }>, this.which);
    if (target) expect((await real.h.deleteAuthenticator(bearer, target.id)).status).toBe(204);
  }
  toString() {
    return `delete(accessToken#${this.token}, #${this.which})`;
  }
}

function expectWrongCode(answer: HttpResult, description: string): void {
  expect(answer.status, answer.text).toBe(403);
  expect(answer.body.error).toBe('invalid_grant');
  expect(answer.body.error_description).toBe(description);
}

const index = fc.nat({ max: 7 });
const factor = fc.constantFrom<'otp' | OobFactor>('otp', 'otp', 'sms', 'voice', 'email', 'push');
const associate = fc.tuple(factor, fc.boolean(), index).map(([f, withAccessToken, token]) => new Associate(f, withAccessToken, token));
const submitCode = fc.tuple(index, index, fc.boolean()).map(([association, token, access]) => new SubmitCode(association, token, access));
// Associations and codes are listed twice: they are what the rule is about.
const commands = fc.commands(
  [
    fc.constant(new SignIn()),
    associate,
    associate,
    submitCode,
    submitCode,
    fc.tuple(index, index).map(([code, token]) => new UseRecoveryCode(code, token)),
    index.map((which) => new ScanBarcode(which)),
    fc.tuple(index, index).map(([token, which]) => new DeleteAuthenticator(token, which)),
  ],
  { maxCommands: 40, size: 'medium' },
);

describe('emulator enrollment model', () => {
  it('no request sequence activates an authenticator (of any factor) associated before the last confirmation or without a factor/challenge', { timeout: DEEP ? 24 * 60 * 60 * 1000 : 120_000 }, async () => {
    const settings = runSettings(100, 5_000);
    const stats = { runs: 0, requests: 0, confirmations: 0, associations: 0, oobConfirmations: 0 };
    await fc.assert(
      fc.asyncProperty(commands, async (sequence) => {
        // Limits high enough that lockouts, spent message budgets and expiry do not hide the rule under test.
        const many = { limit: 1_000 };
        const h = createHarness({ attempts: many, messageLimits: { phone: many, email: many, push: many }, mfaTokenTtlSeconds: 3_600, oobCodeTtlSeconds: 3_600 });
        const model: Model = {
          requests: 0,
          mfaTokens: [await h.mfaToken()],
          accessTokens: [],
          associations: [],
          lastConfirmationAt: -1,
          activeIds: new Set(),
          recoveryCodesSeen: [],
          expectedRecoveryCode: undefined,
          confirmations: 0,
        };
        await fc.asyncModelRun(() => ({ model, real: { h } }), sequence);
        stats.runs++;
        stats.requests += model.requests;
        stats.confirmations += model.confirmations;
        stats.associations += model.associations.length;
        stats.oobConfirmations += model.associations.filter((a) => a.factor !== 'otp' && model.activeIds.has(a.authenticatorId ?? '')).length;
      }),
      settings,
    );
    console.log(describeRun('emulator enrollment model', settings, stats));
    // The sequences must actually exercise confirmations, or the rule was never put to the test.
    expect(stats.confirmations).toBeGreaterThan(0);
    expect(stats.oobConfirmations).toBeGreaterThan(0);
  });
});
