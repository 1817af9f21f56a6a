// Real MFA flows against an in-process emulator, each returning the secrets it handled (read
// from the live, unredacted actor), so tests can look for them in what an inspector received.
import { waitFor, type ActorOptions } from 'xstate';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { createMfaFlow, type MfaFlowActor, type MfaFlowMachine, type MfaIntent } from '../../src/index.js';
import { TEST_SIGNING_KEY } from '../helpers/signingKey.js';
import { createTestClock, type TestClock } from '../helpers/testClock.js';
import { totpCode, wrongTotpCode } from '../helpers/totp.js';
import { otpEnrollment } from '../helpers/enrollment.js';

export const USER = { email: 'demo@example.com', password: 'demo-password' } as const;
const TOTP_STEP_MS = 30_000;

export interface Tenant {
  emulator: Emulator;
  clock: TestClock;
}

/** One secret the flow handled, named for the failure message. */
export interface Secret {
  what: string;
  value: string;
}

export interface FlowRun {
  secrets: Secret[];
  /** The code the user has for the next recovery (the last one the server handed out). */
  recoveryCode: string;
}

type Inspect = ActorOptions<MfaFlowMachine>['inspect'];

export function newTenant(): Tenant {
  const clock = createTestClock();
  return { emulator: createEmulator({ clock: clock.now, signingKey: TEST_SIGNING_KEY }), clock };
}

function startFlow(tenant: Tenant, intent: MfaIntent, inspect: Inspect): MfaFlowActor {
  const flow = createMfaFlow({
    baseUrl: 'http://localhost:4010',
    mfaAudience: tenant.emulator.mfaAudience,
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    intent,
    clock: tenant.clock,
    fetch: async (input, init) => tenant.emulator.app.request(input as Request, init),
    ...(inspect === undefined ? {} : { inspect }),
  });
  flow.start();
  return flow;
}

const settle = (flow: MfaFlowActor, state: Parameters<ReturnType<MfaFlowActor['getSnapshot']>['matches']>[0]) =>
  waitFor(flow, (s) => s.matches(state) || s.status !== 'active', { timeout: 5_000 }).then((s) => {
    if (!s.matches(state)) throw new Error(`expected ${JSON.stringify(state)}, flow is in ${JSON.stringify(s.value)} (${s.context.error?.code})`);
    return s;
  });

/** A fresh code from the authenticator app, one TOTP step after the last one used (no replay). */
function nextOtp(tenant: Tenant, secret: string): string {
  tenant.clock.advance(TOTP_STEP_MS);
  return totpCode(secret, tenant.clock.now());
}

function signIn(flow: MfaFlowActor, secrets: Secret[]): void {
  flow.send({ type: 'credentials.submit', username: USER.email, password: USER.password });
  secrets.push({ what: 'password', value: USER.password });
}

function tokenSecrets(flow: MfaFlowActor): Secret[] {
  const { tokens, newRecoveryCode } = flow.getSnapshot().context;
  const out: Secret[] = [];
  if (tokens) out.push({ what: 'access token', value: tokens.accessToken });
  if (tokens?.idToken) out.push({ what: 'id token', value: tokens.idToken });
  if (newRecoveryCode) out.push({ what: 'new recovery code', value: newRecoveryCode });
  return out;
}

/** First enrollment: sign in, a wrong code, the right code, acknowledge the recovery code. */
export async function runFirstEnrollment(tenant: Tenant, inspect: Inspect): Promise<FlowRun> {
  const secrets: Secret[] = [];
  const flow = startFlow(tenant, 'enroll', inspect);
  signIn(flow, secrets);
  const shown = await settle(flow, { step: { awaitingConfirmation: 'idle' } });
  const { mfaToken, enrollment } = shown.context;
  if (!mfaToken || !enrollment?.recoveryCodes?.[0]) throw new Error('enrollment incomplete');
  const recoveryCode = enrollment.recoveryCodes[0];
  secrets.push(
    { what: 'mfa_token', value: mfaToken },
    { what: 'OTP secret', value: otpEnrollment(enrollment).secret },
    { what: 'barcode_uri', value: otpEnrollment(enrollment).barcodeUri },
    { what: 'recovery code', value: recoveryCode },
  );

  const wrong = wrongTotpCode(otpEnrollment(enrollment).secret, tenant.clock.now());
  flow.send({ type: 'otp.submit', otp: wrong });
  secrets.push({ what: 'wrong OTP typed', value: wrong });
  await settle(flow, { step: { awaitingConfirmation: 'idle' } });

  const otp = nextOtp(tenant, otpEnrollment(enrollment).secret);
  flow.send({ type: 'otp.submit', otp });
  secrets.push({ what: 'OTP typed', value: otp });
  await settle(flow, { step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } });
  flow.send({ type: 'recoveryCodes.acknowledge' });
  await settle(flow, 'authenticated');
  secrets.push(...tokenSecrets(flow));
  flow.stop();
  return { secrets, recoveryCode };
}

/** An enrolled user signs in with the recovery code and gets a new one. */
export async function runRecoverySignIn(tenant: Tenant, recoveryCode: string, inspect: Inspect): Promise<FlowRun> {
  const secrets: Secret[] = [];
  const flow = startFlow(tenant, 'challenge', inspect);
  signIn(flow, secrets);
  const verifying = await settle(flow, { step: { verifying: 'idle' } });
  secrets.push({ what: 'mfa_token', value: verifying.context.mfaToken ?? '' });
  // Typed the way it is printed: lower case, in groups.
  const typed = recoveryCode.toLowerCase().replace(/(.{4})(?!$)/g, '$1-');
  flow.send({ type: 'recoveryCode.submit', recoveryCode: typed });
  secrets.push({ what: 'recovery code typed', value: typed }, { what: 'recovery code', value: recoveryCode });
  await settle(flow, 'authenticated');
  secrets.push(...tokenSecrets(flow));
  const next = flow.getSnapshot().context.newRecoveryCode ?? '';
  flow.stop();
  return { secrets, recoveryCode: next };
}

/** The already-enrolled branch: challenge the existing OTP, then enroll a second one with the MFA-API token. */
export async function runEnrollWhileEnrolled(tenant: Tenant, existingSecret: string, inspect: Inspect): Promise<FlowRun> {
  const secrets: Secret[] = [];
  const flow = startFlow(tenant, 'enroll', inspect);
  signIn(flow, secrets);
  const verifying = await settle(flow, { step: { verifying: 'idle' } });
  secrets.push({ what: 'mfa_token', value: verifying.context.mfaToken ?? '' });
  const otp = nextOtp(tenant, existingSecret);
  flow.send({ type: 'otp.submit', otp });
  secrets.push({ what: 'OTP typed', value: otp });
  const shown = await settle(flow, { step: { awaitingConfirmation: 'idle' } });
  const { enrollToken, enrollment } = shown.context;
  if (!enrollToken || !enrollment) throw new Error('second enrollment incomplete');
  secrets.push(
    { what: 'enroll token', value: enrollToken },
    { what: 'second OTP secret', value: otpEnrollment(enrollment).secret },
    { what: 'second barcode_uri', value: otpEnrollment(enrollment).barcodeUri },
  );
  const confirm = nextOtp(tenant, otpEnrollment(enrollment).secret);
  flow.send({ type: 'otp.submit', otp: confirm });
  secrets.push({ what: 'OTP typed', value: confirm });
  await settle(flow, 'authenticated');
  secrets.push(...tokenSecrets(flow));
  flow.stop();
  return { secrets, recoveryCode: '' };
}

/** The OTP secret of a first enrollment, for flows that must challenge it later. */
export function otpSecretOf(run: FlowRun): string {
  const secret = run.secrets.find((s) => s.what === 'OTP secret');
  if (!secret) throw new Error('no OTP secret in this run');
  return secret.value;
}

/**
 * The secrets that occur in `captured`. Six-digit codes are looked for as JSON strings
 * (`"123456"`), so that a timestamp or random id containing the same digits is no false alarm.
 */
export function leakedSecrets(captured: string, secrets: Secret[]): string[] {
  return secrets
    .filter(({ value }) => value !== '' && captured.includes(/^\d{6}$/.test(value) ? JSON.stringify(value) : value))
    .map(({ what }) => what);
}
