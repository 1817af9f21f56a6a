// Runs the `mfa-flow` CLI from source (`node --import tsx test/helpers/runCli.ts <args>`), so
// tests can spawn it without a build; exits with main()'s code.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
