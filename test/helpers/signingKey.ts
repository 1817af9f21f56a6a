// One RSA signing key per test worker, shared by the in-process emulators: generating one per
// emulator costs ~0.2 s each, which adds up over a suite. Emulators that must make their own
// (startup behaviour, the CLI) simply don't pass it.
import { exportJWK, generateKeyPair, type JWK } from 'jose';

const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
export const TEST_SIGNING_KEY: JWK = await exportJWK(privateKey);
