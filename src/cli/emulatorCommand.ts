// `mfa-flow emulator`: runs the Auth0-compatible MFA API emulator until SIGINT/SIGTERM.
// Resolves 0 after a clean stop, 2 on bad flags, 1 when the server cannot start. Every flag,
// and the tenant they describe, is checked before anything listens: a usage error is reported
// as one even when the port is taken. Requests and messages (with their codes) go to stderr.
import { parseArgs } from 'node:util';
import {
  DEFAULT_CLIENT,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_USER,
  PUSH_MODES,
  startEmulator,
  SUPPORTED_FACTORS,
  type FactorName,
  type PushMode,
  type EmulatorClient,
  type EmulatorUser,
  type StartEmulatorOptions,
} from '../emulator/index.js';
import { resolveOptions } from '../emulator/options.js';
import { integerFlag, portFlag, UsageError } from './flags.js';
import { startedByNpm, untilStopSignal } from './untilStopSignal.js';
import { DOMAIN_PATTERN } from '../api/protocol.js';

const USAGE = `Usage: mfa-flow emulator [options]

Starts a local Auth0-compatible MFA API: enroll and challenge an OTP app, SMS, voice, email
and push (an emulated Guardian device), recovery codes. Messages are printed on stderr with
their codes and served at /emulator/v1/outbox.

Options:
  --port PORT             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST             address to bind (default ${DEFAULT_HOST})
  --domain DOMAIN         issuer domain, host[:port] (default localhost:<port>)
  --client ID:SECRET      a client application; repeatable (ID alone = public client)
                          (default ${DEFAULT_CLIENT.id}:${DEFAULT_CLIENT.secret})
  --user EMAIL:PASSWORD   a user; repeatable (default ${DEFAULT_USER.email}:${DEFAULT_USER.password})
  --mfa-token-ttl SECONDS lifetime of mfa_tokens (default 600)
  --factors LIST          factors users may enroll, comma-separated, or "all"
                          (default all: ${SUPPORTED_FACTORS.join(',')})
  --push MODE             what the emulated Guardian device does with push enrollments and
                          requests: ${PUSH_MODES.join(', ')} (default manual: answer them at
                          /emulator/v1/guardian/…)
  -h, --help              show this text
`;

export async function runEmulatorCommand(argv: string[]): Promise<number> {
  let options: StartEmulatorOptions & { usingDefaults: { client: boolean; user: boolean } };
  try {
    const parsed = parseFlags(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mfa-flow emulator: ${message}\n\n${USAGE}`);
    return 2;
  }

  const { usingDefaults, ...startOptions } = options;
  let running;
  try {
    const toStderr = (line: string) => process.stderr.write(`${line}\n`);
    running = await startEmulator({ ...startOptions, log: toStderr, messageLog: toStderr });
  } catch (error) {
    const message =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port ${startOptions.port ?? DEFAULT_PORT} is in use; pick another with --port (0 = any free one)`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`mfa-flow emulator: could not start: ${message}\n`);
    return 1;
  }

  // Watched before the address is printed: whoever reads it may stop us at once (a test kills
  // npm's shell as soon as it sees the line); a parent read after that could already be the one
  // an orphan gets, and its exit would never be noticed.
  const stopped = untilStopSignal({ whenParentExits: startedByNpm() });
  const lines = [`MFA emulator listening on ${running.listenUrl}${running.listenUrl === running.url ? '' : ' (every interface)'}`];
  if (running.listenUrl !== running.url) lines.push(`open ${running.url} on this machine`);
  lines.push(`issuer ${running.issuer}`);
  lines.push(`factors ${running.emulator.factors.join(', ')}; push device ${running.emulator.guardian.mode}`);
  lines.push(`messages on stderr and at ${running.url}/emulator/v1/outbox`);
  if (usingDefaults.client) lines.push(`client ${DEFAULT_CLIENT.id} / ${DEFAULT_CLIENT.secret}`);
  if (usingDefaults.user) lines.push(`user   ${DEFAULT_USER.email} / ${DEFAULT_USER.password}`);
  lines.push('Ctrl-C to stop');
  process.stdout.write(`${lines.join('\n')}\n`);

  await stopped;
  await running.close();
  process.stdout.write('MFA emulator stopped\n');
  return 0;
}

function parseFlags(argv: string[]): 'help' | (StartEmulatorOptions & { usingDefaults: { client: boolean; user: boolean } }) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      domain: { type: 'string' },
      client: { type: 'string', multiple: true },
      user: { type: 'string', multiple: true },
      'mfa-token-ttl': { type: 'string' },
      factors: { type: 'string' },
      push: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const options: StartEmulatorOptions = {};
  if (values.port !== undefined) options.port = portFlag('--port', values.port);
  if (values.host !== undefined) options.host = nonEmpty('--host', values.host);
  if (values.domain !== undefined) {
    if (!DOMAIN_PATTERN.test(values.domain)) throw new UsageError('--domain must be host[:port], e.g. tenant.example:4010');
    options.domain = values.domain;
  }
  if (values['mfa-token-ttl'] !== undefined) {
    options.mfaTokenTtlSeconds = integerFlag('--mfa-token-ttl', values['mfa-token-ttl'], 1, 86_400 * 365);
  }
  if (values.factors !== undefined) options.factors = parseFactors(values.factors);
  if (values.push !== undefined) {
    if (!(PUSH_MODES as readonly string[]).includes(values.push)) throw new UsageError(`--push must be one of ${PUSH_MODES.join(', ')}, got "${values.push}"`);
    options.push = values.push as PushMode;
  }
  if (values.client) options.clients = values.client.map(parseClient);
  if (values.user) options.users = values.user.map(parseUser);
  try {
    // The tenant as a whole (e.g. the same --user twice), as the emulator will check it.
    resolveOptions({ ...options, domain: options.domain ?? `localhost:${options.port ?? DEFAULT_PORT}` });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/^options\.(users|clients)/, (_, name: string) => `--${name.slice(0, -1)}`) : String(error));
  }
  return { ...options, usingDefaults: { client: !values.client, user: !values.user } };
}

/** `otp,sms` (spaces allowed around commas), or `all`. */
function parseFactors(value: string): FactorName[] {
  if (value.trim() === 'all') return [...SUPPORTED_FACTORS];
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SUPPORTED_FACTORS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--factors takes a comma-separated list of ${SUPPORTED_FACTORS.join(', ')} (or "all"), got "${value}"`);
  }
  return names as FactorName[];
}

function parseClient(value: string): EmulatorClient {
  const colon = value.indexOf(':');
  const id = colon < 0 ? value : value.slice(0, colon);
  const secret = colon < 0 ? '' : value.slice(colon + 1);
  if (!id) throw new UsageError('--client must be ID:SECRET (or ID for a public client)');
  return secret ? { id, secret } : { id };
}

function parseUser(value: string): EmulatorUser {
  const colon = value.indexOf(':');
  const email = colon < 0 ? '' : value.slice(0, colon);
  const password = colon < 0 ? '' : value.slice(colon + 1);
  if (!email.includes('@') || !password) throw new UsageError('--user must be EMAIL:PASSWORD');
  return { email, password };
}

function nonEmpty(name: string, value: string): string {
  if (!value.trim()) throw new UsageError(`${name} must not be empty`);
  return value;
}
