// Interop: the emulator's codes equal those of OATH Toolkit's `oathtool`, an implementation
// that shares nothing with ours. CI installs oathtool (.ci/run) and never skips this; a machine
// without oathtool skips it (`apt-get install oathtool` to run it).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { newTotpSecret, totpCodeAt, totpStep } from '../../src/emulator/totp.js';
import { createHarness } from '../helpers/emulatorHarness.js';

const hasOathtool = (() => {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const oathtool = (secret: string, seconds: number, window = 0) =>
  execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${seconds}`, '-w', String(window)], { encoding: 'utf8' }).trim().split('\n');

describe.skipIf(!hasOathtool && process.env.CI !== 'true')('oathtool interop', () => {
  test('codes match for random secrets and times', () => {
    for (let i = 0; i < 20; i++) {
      const secret = newTotpSecret((n) => new Uint8Array(randomBytes(n)));
      const seconds = 1_000_000_000 + randomBytes(4).readUInt32BE() % 1_000_000_000;
      expect(totpCodeAt(secret, totpStep(seconds * 1000))).toBe(oathtool(secret, seconds)[0]);
    }
  });

  test('a code from oathtool confirms an enrollment over HTTP', async () => {
    const h = createHarness();
    const mfa = await h.mfaToken();
    const association = await h.associate(mfa);
    const [code] = oathtool(association.body.secret, Math.floor(h.clock.now() / 1000));
    const result = await h.verifyOtp(mfa, code ?? '');
    expect(result.status, result.text).toBe(200);
  });
});
