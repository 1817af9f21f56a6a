// Entry point of the `mfa-flow` command: dispatches to a subcommand.
import { runDemoCommand } from './demoCommand.js';
import { runEmulatorCommand } from './emulatorCommand.js';
import { runInspectorCommand } from './inspectorCommand.js';

const USAGE = `Usage: mfa-flow <command> [options]

Commands:
  emulator   start the local Auth0-compatible MFA API emulator
  demo       run the MFA flow in the terminal (--auto: enroll, challenge, recovery unattended;
             --inspect: watch it in the Stately inspector)
  inspector  serve the Stately inspector on 127.0.0.1 for your own app's WebSocket inspector
  help       show this text
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'emulator':
      return runEmulatorCommand(rest);
    case 'demo':
      return runDemoCommand(rest);
    case 'inspector':
      return runInspectorCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`mfa-flow: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
