// `npm start` (and `npm run example:react`, which adds `--example react`): builds an example page,
// serves it with the embedded MFA emulator on one origin, and runs until Ctrl-C.
// `--domain/--client-id[/--client-secret]` point the page at a real Auth0 tenant instead;
// `--server-flows` runs the flow on this server (mfa-flow/server), the page driving it remotely.
// Exit codes: 0 after a clean stop, 1 when the server cannot start, 2 on bad flags.
import { parseArgs } from 'node:util';
import { EXAMPLES, type ExampleName } from '../examples/server/buildExample.js';
import { DEFAULT_DEMO_HOST, DEFAULT_DEMO_PORT, startDemoServer, type DemoServerOptions } from '../examples/server/demoServer.js';
import { portFlag } from '../src/cli/flags.js';
import { startedByNpm, untilStopSignal } from '../src/cli/untilStopSignal.js';
import { DOMAIN_PATTERN } from '../src/api/protocol.js';

const USAGE = `Usage: npm start -- [options]
       npm run example:react -- [options]

Serves the mfa-flow web demo (or the React example) and, unless --domain is given, the embedded
Auth0-compatible MFA API emulator, on one origin.

Options:
  --example web|react    which page to serve (default web; \`npm run example:react\` says react)
  --port PORT            port to listen on (default ${DEFAULT_DEMO_PORT}; 0 picks a free one)
  --host HOST            address to bind (default ${DEFAULT_DEMO_HOST})
  --domain DOMAIN        a real Auth0 tenant, e.g. tenant.eu.auth0.com (no emulator then)
  --client-id ID         the tenant's application (needs --domain)
  --client-secret SECRET its secret, kept on this server, which relays the calls that need it
  --server-flows         run the flow on this server (mfa-flow/server): the page sends events and
                         renders views; the MFA token, the secret and the tokens stay here
  --quiet                no request log
  -h, --help             show this text
`;

function parseFlags(argv: string[]): DemoServerOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      example: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      domain: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'server-flows': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const options: DemoServerOptions = {};
  if (values.example !== undefined) {
    if (!Object.hasOwn(EXAMPLES, values.example)) throw new Error(`--example must be ${Object.keys(EXAMPLES).join(' or ')}`);
    options.example = values.example as ExampleName;
  }
  if (values.port !== undefined) {
    options.port = portFlag('--port', values.port);
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.domain !== undefined) {
    if (!DOMAIN_PATTERN.test(values.domain)) throw new Error('--domain must be a host name, e.g. tenant.eu.auth0.com');
    options.domain = values.domain;
    if (!values['client-id']) throw new Error('--domain needs --client-id');
  } else if (values['client-id'] !== undefined || values['client-secret'] !== undefined) {
    throw new Error('--client-id and --client-secret need --domain (the emulator has its own demo client)');
  }
  if (values['client-id'] !== undefined) options.clientId = values['client-id'];
  if (values['client-secret'] !== undefined) options.clientSecret = values['client-secret'];
  if (values['server-flows']) options.serverFlows = true;
  if (!values.quiet) options.log = (line) => process.stdout.write(`  ${line}\n`);
  return options;
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  let running;
  try {
    running = await startDemoServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${options.port ?? DEFAULT_DEMO_PORT} is in use; pick another with \`npm start -- --port 4011\``
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`npm start: could not start: ${message}\n`);
    return 1;
  }

  const { config } = running;
  const lines = [`mfa-flow ${options.example === 'react' ? 'React example' : 'web demo'}: ${running.url}`];
  if (config.mode === 'emulator') {
    lines.push(`API: embedded Auth0-compatible MFA emulator (issuer https://${config.tenant}/, client ${config.clientId})`);
    if (config.demoUser) lines.push(`Demo user: ${config.demoUser.email} / ${config.demoUser.password}`);
    lines.push('Any RFC 6238 authenticator app (Google Authenticator, 1Password, Aegis…) can scan the QR code.');
    const factors = config.factors ?? ['otp'];
    const outOfBand = factors.some((factor) => factor !== 'otp') ? '; their messages and pushes reach the emulated phone on the page' : '';
    lines.push(`Factors offered: ${factors.join(', ')}${outOfBand}.`);
  } else {
    lines.push(`API: Auth0 tenant ${config.tenant}, client ${config.clientId}${config.mode === 'auth0-proxy' ? ' (secret kept on this server)' : ''}`);
  }
  if (config.serverFlows) lines.push('Flows run on this server (mfa-flow/server at /mfa-flow/): the page never holds the MFA token, the client secret or the tokens.');
  lines.push('Ctrl-C to stop');
  process.stdout.write(`${lines.join('\n')}\n`);

  // `kill -TERM` of the npm process reaches only npm's shell, not us: follow the parent too.
  await untilStopSignal({ whenParentExits: startedByNpm() });
  await running.close();
  process.stdout.write('Stopped.\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
