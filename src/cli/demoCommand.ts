// `mfa-flow demo`: the MFA flow in a terminal, on the public API of mfa-flow as a user's own
// app would use it. Against the embedded emulator (started in-process on a free port) unless
// --domain names a real Auth0 tenant. `--auto` runs enroll → challenge → recovery unattended;
// `--inspect` shows the flows in the Stately inspector through a bridge on 127.0.0.1.
// Exit codes: 0 success, 1 failure (or input ended), 2 bad flags, 130 Ctrl-C.
import { parseArgs } from 'node:util';
import { createMfaFlow, FACTOR_TYPES, type AuthenticatedOutput, type FactorType, type MfaFlowActor, type MfaIntent } from '../index.js';
import { DEFAULT_CLIENT, DEFAULT_USER, startEmulator, type RunningEmulator } from '../emulator/index.js';
import { runAutoDemo } from './demo/auto.js';
import { createCodeAdvice } from './demo/codeAdvice.js';
import { shiftableClock, wallClock, type StepClock } from './demo/codes.js';
import { driveFlow } from './demo/driveFlow.js';
import { emulatedPhone, type EmulatedPhone } from './demo/emulatedPhone.js';
import { startDemoInspection, type DemoInspection } from './demo/inspection.js';
import { interactiveResponder } from './demo/interactive.js';
import { Prompter, type PrompterStreams } from './demo/prompter.js';
import { portFlag, UsageError } from './flags.js';
import { DEFAULT_INSPECT_PORT } from './inspectorCommand.js';
import { DOMAIN_PATTERN } from '../api/protocol.js';

const USAGE = `Usage: mfa-flow demo [options]

Runs Auth0's MFA flow in the terminal: sign in, enroll a second factor (an authenticator app
from a QR code, SMS, voice, email or push), sign in with it or with a recovery code. Uses a
fresh embedded emulator unless --domain is given; its "emulated phone" shows the messages and
answers pushes from the terminal.

Options:
  --auto                  no questions: for each factor, enroll, then sign in with it, then
                          with the recovery code; codes are computed from the secret or read
                          from the emulator's outbox, pushes accepted by its emulated device
  --factor LIST           the factors to offer (interactive) or to run (--auto), comma-separated
                          from ${FACTOR_TYPES.join(', ')} (default: all on the emulator, otp on a tenant)
  --intent enroll|challenge
                          what the (first) flow does (default: challenge, which enrolls first
                          when the user has no authenticator; enroll with --auto)
  --domain DOMAIN         a real Auth0 tenant, e.g. tenant.eu.auth0.com
  --client-id ID          its application (needs --domain)
  --client-secret SECRET  its secret, for a confidential application
  --inspect [PORT]        watch the flows in the Stately inspector: serves a page on
                          http://127.0.0.1:PORT/ (default ${DEFAULT_INSPECT_PORT}; 0 picks a free port) and waits
                          for it to be opened; secrets are redacted (needs @statelyai/inspect)
  -h, --help              show this text
`;

export interface DemoStreams extends PrompterStreams {
  error: NodeJS.WritableStream;
}

interface DemoFlags {
  auto: boolean;
  factors: FactorType[] | undefined;
  intent: MfaIntent | undefined;
  /** Port of the inspector bridge, when --inspect is given. */
  inspectPort?: number;
  tenant?: { domain: string; clientId: string; clientSecret?: string };
}


// parseArgs has no optional values: a bare `--inspect` gets the default port here.
const withInspectPort = (argv: string[]) =>
  argv.flatMap((arg, i) => (arg === '--inspect' && !/^\d+$/.test(argv[i + 1] ?? '') ? [arg, String(DEFAULT_INSPECT_PORT)] : [arg]));

function parseFlags(argv: string[]): DemoFlags | 'help' {
  const { values } = parseArgs({
    args: withInspectPort(argv),
    strict: true,
    allowPositionals: false,
    options: {
      auto: { type: 'boolean' },
      intent: { type: 'string' },
      factor: { type: 'string', multiple: true },
      domain: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      inspect: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.intent !== undefined && values.intent !== 'enroll' && values.intent !== 'challenge') {
    throw new UsageError(`--intent must be enroll or challenge, got "${values.intent}"`);
  }
  const flags: DemoFlags = { auto: values.auto === true, intent: values.intent, factors: factorsFlag(values.factor) };
  if (values.inspect !== undefined) {
    flags.inspectPort = portFlag('--inspect', values.inspect);
  }
  if (values.domain === undefined) {
    if (values['client-id'] !== undefined || values['client-secret'] !== undefined) {
      throw new UsageError('--client-id and --client-secret need --domain');
    }
    return flags;
  }
  if (flags.auto && flags.factors?.some((factor) => factor !== 'otp')) {
    throw new UsageError('--auto against a tenant runs otp only: its messages and pushes reach real phones, not an outbox');
  }
  if (!DOMAIN_PATTERN.test(values.domain)) throw new UsageError('--domain must be a host name, e.g. tenant.eu.auth0.com');
  if (!values['client-id']) throw new UsageError('--domain needs --client-id');
  flags.tenant = {
    domain: values.domain,
    clientId: values['client-id'],
    ...(values['client-secret'] ? { clientSecret: values['client-secret'] } : {}),
  };
  return flags;
}

/** `--factor sms,push --factor otp` → ['sms', 'push', 'otp'], each once, in the order given. */
function factorsFlag(values: string[] | undefined): FactorType[] | undefined {
  if (values === undefined) return undefined;
  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.find((name) => !(FACTOR_TYPES as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError(`--factor takes ${FACTOR_TYPES.join(', ')}; got "${unknown}"`);
  if (names.length === 0) throw new UsageError('--factor needs at least one factor');
  return [...new Set(names as FactorType[])];
}

/** Each factor of an --auto run has a user of its own, with no factor yet: one story never meets another's authenticators. */
const autoUser = (factor: FactorType) => (factor === 'otp' ? DEFAULT_USER.email : `demo+${factor}@example.com`);
/** The emulated phone's numbers, one per factor (SMS and voice budgets are the user's, not the number's, but distinct reads clearer). */
const DEMO_PHONE_NUMBERS: Readonly<Partial<Record<FactorType, string>>> = { sms: '+14155550123', voice: '+14155550124' };
const DEMO_PHONE_NUMBER = '+14155550123';

export async function runDemoCommand(
  argv: string[],
  streams: DemoStreams = { input: process.stdin, output: process.stdout, error: process.stderr },
): Promise<number> {
  let flags: DemoFlags;
  try {
    const parsed = parseFlags(argv);
    if (parsed === 'help') {
      streams.output.write(USAGE);
      return 0;
    }
    flags = parsed;
  } catch (error) {
    streams.error.write(`mfa-flow demo: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const print = (line: string) => void streams.output.write(`${line}\n`);

  // The embedded emulator runs on a clock this command owns, so --auto can step it forward.
  const clock: StepClock = flags.tenant ? wallClock() : shiftableClock();
  let emulator: RunningEmulator | undefined;
  let phone: EmulatedPhone | undefined;
  let inspection: DemoInspection | undefined;
  let prompter: Prompter | undefined;
  let currentFlow: MfaFlowActor | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  const abort = new AbortController();

  const interrupt = (signal: NodeJS.Signals) => {
    if (interruptedBy) return;
    interruptedBy = signal;
    print('\nCancelled.');
    currentFlow?.send({ type: 'cancel' }); // aborts the request in flight, if any
    prompter?.interrupt();
    abort.abort();
  };
  const onSigint = () => interrupt('SIGINT');
  const onSigterm = () => interrupt('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const needPrompter = () => (prompter ??= new Prompter(streams, onSigint));

  try {
    if (flags.inspectPort !== undefined) {
      inspection = await startDemoInspection(flags.inspectPort);
      print(`Inspector: open ${inspection.pageUrl} (needs internet for the Stately UI); waiting for it…`);
      if (!(await inspection.pageConnected(abort.signal))) return exitCodeFor(interruptedBy ?? 'SIGINT');
      print('Inspector: page connected; secrets are redacted before they leave this process.');
    }
    let api: { baseUrl?: string; domain?: string; clientId: string; clientSecret?: string; mfaAudience?: string };
    let defaults: { username: string; password: string } | undefined;
    if (flags.tenant) {
      api = flags.tenant;
      print(`mfa-flow demo against the Auth0 tenant ${flags.tenant.domain}. Ctrl-C cancels.`);
    } else {
      emulator = await startEmulator({
        port: 0,
        host: '127.0.0.1',
        clock: clock.now,
        users: [DEFAULT_USER, ...FACTOR_TYPES.filter((factor) => factor !== 'otp').map((factor) => ({ email: autoUser(factor), password: DEFAULT_USER.password }))],
        // A push sign-in is polled every second rather than Auth0's 5: a demo should not make people wait.
        pollIntervalSeconds: 1,
        // What the emulated phone receives, shown as it arrives (--auto reads the outbox instead).
        ...(flags.auto ? {} : { messageLog: (line: string) => print(`[emulated phone] ${line}`) }),
      });
      phone = emulatedPhone(emulator.url);
      api = {
        baseUrl: emulator.url,
        clientId: DEFAULT_CLIENT.id,
        ...(DEFAULT_CLIENT.secret === undefined ? {} : { clientSecret: DEFAULT_CLIENT.secret }),
        mfaAudience: emulator.mfaAudience,
      };
      defaults = { username: DEFAULT_USER.email, password: DEFAULT_USER.password };
      print(`mfa-flow demo against the embedded MFA emulator at ${emulator.url} (a fresh tenant: ${DEFAULT_USER.email} has no authenticator yet). Ctrl-C cancels.`);
    }
    // One advice for the whole run: a code spent in one flow is still on the phone in the next.
    // The embedded emulator's bucket of attempts is Auth0's (the advice's default).
    const advice = createCodeAdvice({ now: clock.now });
    // On the emulator every factor is offered (the phone is emulated too); on a tenant, an app unless told.
    const offered: FactorType[] = flags.factors ?? (emulator ? [...FACTOR_TYPES] : ['otp']);
    const createFlow = (intent: MfaIntent, factors: FactorType[] = offered) => {
      const flow = createMfaFlow({ ...api, intent, factors, ...(inspection ? { inspect: inspection.inspect } : {}) });
      // A crash reaches driveFlow (its waitFor rejects) and is reported there.
      flow.subscribe({ next: (snapshot) => advice.observe(flow, snapshot), error: () => {} });
      currentFlow = flow;
      return flow;
    };

    if (flags.auto) {
      let tenantCredentials: { username: string; password: string } | null | undefined;
      const result = await runAutoDemo({
        createFlow: (intent, factor) => createFlow(intent, [factor]),
        factors: offered,
        // Only a real tenant's credentials are asked for (once); the prompt reader starts on that first use.
        credentials: defaults
          ? async (factor) => ({ username: autoUser(factor), password: defaults.password })
          : async () => (tenantCredentials ??= await interactiveResponder({ prompter: needPrompter(), print }).credentials(undefined)),
        phoneNumberFor: (factor) => DEMO_PHONE_NUMBERS[factor] ?? DEMO_PHONE_NUMBER,
        ...(phone ? { phone } : {}),
        clock,
        ...(flags.intent === undefined ? {} : { intent: flags.intent }),
        print,
        signal: abort.signal,
      });
      if (interruptedBy) return exitCodeFor(interruptedBy);
      if (result.kind === 'failed') print(`✗ ${result.message}`);
      return result.kind === 'ok' ? 0 : 1;
    }

    const responder = interactiveResponder({
      prompter: needPrompter(),
      print,
      advice,
      ...(defaults ? { defaults, suggestedPhoneNumber: DEMO_PHONE_NUMBER } : {}),
      ...(phone ? { phone } : {}),
    });
    let intent: MfaIntent = flags.intent ?? 'challenge';
    for (;;) {
      const flow = createFlow(intent);
      flow.start();
      const outcome = await driveFlow(flow, responder, { onSend: (event) => advice.sent(flow, event) }).finally(() => flow.stop());
      if (interruptedBy) return exitCodeFor(interruptedBy);
      if (outcome.kind === 'cancelled') {
        print('✗ Input ended before the flow did.');
        return 1;
      }
      if (outcome.kind === 'failed') {
        print(`✗ ${outcome.message}`);
        return 1;
      }
      report(outcome.output, print);
      const again = await needPrompter().ask('Sign in again (with a code or a recovery code)? [y/N]: ');
      if (interruptedBy) return exitCodeFor(interruptedBy);
      if (again === null || !/^y/i.test(again.trim())) return 0;
      intent = 'challenge';
    }
  } catch (error) {
    if (interruptedBy) return exitCodeFor(interruptedBy);
    streams.error.write(`mfa-flow demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    prompter?.close();
    currentFlow?.stop();
    await inspection?.close();
    await emulator?.close();
  }
}

function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/** The result, without a single token: what a user needs to know, and the replacement recovery code. */
function report(output: AuthenticatedOutput, print: (line: string) => void): void {
  print('');
  print('✓ Authenticated.');
  print(`  New authenticator enrolled: ${output.enrolled ? 'yes' : 'no'}`);
  const { tokens } = output;
  print(
    `  Tokens: ${tokens.tokenType} access token, expires in ${tokens.expiresIn} s, scope "${tokens.scope ?? ''}"` +
      `${tokens.idToken ? ', and an ID token' : ''} (not shown)`,
  );
  if (output.newRecoveryCode) {
    print('  The recovery code you used is spent. Your new one (save it, it is shown only now):');
    print(`  ${output.newRecoveryCode}`);
  }
}
