// `mfa-flow emulator`: runs the Auth0-compatible MFA API emulator until SIGINT/SIGTERM.
// Resolves 0 after a clean stop, 2 on bad flags, 1 when the server cannot start. Every flag,
// and the tenant they describe, is checked before anything listens: a usage error is reported
// as one even when the port is taken.
import { parseArgs } from 'node:util';
import {
  DEFAULT_CLIENT,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_USER,
  startEmulator,
  type EmulatorClient,
  type EmulatorUser,
  type StartEmulatorOptions,
} from '../emulator/index.js';
import { resolveOptions } from '../emulator/options.js';
import { integerFlag, portFlag, UsageError } from './flags.js';
import { startedByNpm, untilStopSignal } from './untilStopSignal.js';

const USAGE = `Usage: mfa-flow emulator [options]

Starts a local Auth0-compatible MFA API (OTP enrollment, challenge, recovery codes).

Options:
  --port PORT             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST             address to bind (default ${DEFAULT_HOST})
  --domain DOMAIN         issuer domain, host[:port] (default localhost:<port>)
  --client ID:SECRET      a client application; repeatable (ID alone = public client)
                          (default ${DEFAULT_CLIENT.id}:${DEFAULT_CLIENT.secret})
  --user EMAIL:PASSWORD   a user; repeatable (default ${DEFAULT_USER.email}:${DEFAULT_USER.password})
  --mfa-token-ttl SECONDS lifetime of mfa_tokens (default 600)
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
    running = await startEmulator({ ...startOptions, log: (line) => process.stderr.write(`${line}\n`) });
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

  const lines = [`MFA emulator listening on ${running.listenUrl}${running.listenUrl === running.url ? '' : ' (every interface)'}`];
  if (running.listenUrl !== running.url) lines.push(`open ${running.url} on this machine`);
  lines.push(`issuer ${running.issuer}`);
  if (usingDefaults.client) lines.push(`client ${DEFAULT_CLIENT.id} / ${DEFAULT_CLIENT.secret}`);
  if (usingDefaults.user) lines.push(`user   ${DEFAULT_USER.email} / ${DEFAULT_USER.password}`);
  lines.push('Ctrl-C to stop');
  process.stdout.write(`${lines.join('\n')}\n`);

  await untilStopSignal({ whenParentExits: startedByNpm() });
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const options: StartEmulatorOptions = {};
  if (values.port !== undefined) options.port = portFlag('--port', values.port);
  if (values.host !== undefined) options.host = nonEmpty('--host', values.host);
  if (values.domain !== undefined) {
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(values.domain)) throw new UsageError('--domain must be host[:port], e.g. tenant.example:4010');
    options.domain = values.domain;
  }
  if (values['mfa-token-ttl'] !== undefined) {
    options.mfaTokenTtlSeconds = integerFlag('--mfa-token-ttl', values['mfa-token-ttl'], 1, 86_400 * 365);
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
