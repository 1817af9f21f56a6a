// Entry point of the `mfa-flow` command: dispatches to a subcommand. Each one is loaded only when
// run, so that `mfa-flow inspector` does not need the emulator's packages, and a missing optional
// peer dependency is named with the command that installs it.
import { loadWithPeers, PEERS } from '../optionalPeers.js';

const USAGE = `Usage: mfa-flow <command> [options]

Commands:
  emulator   start the local Auth0-compatible MFA API emulator
  demo       run the MFA flow in the terminal (--auto: enroll, challenge, recovery unattended;
             --inspect: watch it in the Stately inspector)
  inspector  serve the Stately inspector on 127.0.0.1 for your own app's WebSocket inspector
  help       show this text
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  emulator: () => loadWithPeers('mfa-flow emulator', PEERS.emulator, async () => (await import('./emulatorCommand.js')).runEmulatorCommand),
  demo: () => loadWithPeers('mfa-flow demo', PEERS.demo, async () => (await import('./demoCommand.js')).runDemoCommand),
  inspector: () => loadWithPeers('mfa-flow inspector', PEERS.inspector, async () => (await import('./inspectorCommand.js')).runInspectorCommand),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || ['help', '--help', '-h'].includes(command)) {
    process.stdout.write(USAGE);
    return 0;
  }
  const load = COMMANDS[command];
  if (load === undefined) {
    process.stderr.write(`mfa-flow: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let run: Command;
  try {
    run = await load();
  } catch (error) {
    process.stderr.write(`mfa-flow: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return run(rest);
}
