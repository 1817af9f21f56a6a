// The password grant over HTTP against near-miss passwords: trailing NUL bytes (JSON \u0000 and
// %00 in a form body), spaces, case, prefixes and suffixes, Unicode normalisation forms and a
// lone surrogate. Only the password itself (or its canonically equivalent NFD spelling) passes.
import { describe, expect, test } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { createHarness, DEMO, expectError, GRANTS } from '../helpers/emulatorHarness.js';

// One ASCII password as short as the issue's, one with a precomposed letter, ß and a ligature
// (so NFC, NFD and NFKC spell it differently), one that ends in U+FFFD (what a lone surrogate
// would turn into if it were encoded leniently), one longer than HMAC's 64-byte block.
const USERS = {
  short: { email: 'short@example.com', password: 'pw12' },
  unicode: { email: 'uni@example.com', password: 'Grüße-ﬁ12'.normalize('NFC') },
  replacement: { email: 'rep@example.com', password: 'pw\uFFFD' },
  long: { email: 'long@example.com', password: `${'x'.repeat(70)}-long` },
} as const;
type UserKey = keyof typeof USERS;

// One tenant for every case: a password grant changes nothing a later case could see.
const h = createHarness({ users: Object.values(USERS) });

/** The password grant with the password sent as JSON (any string) or as a raw form body. */
async function signIn(user: UserKey, password: string, encoding: 'json' | 'form-raw') {
  const base = { grant_type: GRANTS.password, client_id: DEMO.clientId, client_secret: DEMO.clientSecret, username: USERS[user].email };
  if (encoding === 'json') return h.send('POST', '/oauth/token', { json: { ...base, password } });
  // `password` is already form-encoded here, so that %00 travels exactly as a browser form would send it.
  const body = `${new URLSearchParams(base).toString()}&password=${password}`;
  return h.send('POST', '/oauth/token', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

const unicode = USERS.unicode.password;
const nearMisses: Array<[string, UserKey, string, 'json' | 'form-raw']> = [
  ['trailing NUL (JSON \\u0000)', 'short', 'pw12\u0000', 'json'],
  ['two trailing NULs', 'short', 'pw12\u0000\u0000', 'json'],
  ['trailing %00 in a form body', 'short', 'pw12%00', 'form-raw'],
  ['leading NUL', 'short', '\u0000pw12', 'json'],
  ['trailing space', 'short', 'pw12 ', 'json'],
  ['trailing + (a space) in a form body', 'short', 'pw12+', 'form-raw'],
  ['leading space', 'short', ' pw12', 'json'],
  ['trailing newline', 'short', 'pw12\n', 'json'],
  ['upper case', 'short', 'PW12', 'json'],
  ['prefix', 'short', 'pw1', 'json'],
  ['suffix', 'short', 'pw123', 'json'],
  ['empty-looking NUL only', 'short', '\u0000', 'json'],
  ['unicode: trailing NUL', 'unicode', `${unicode}\u0000`, 'json'],
  ['unicode: case of ß (SS)', 'unicode', unicode.replace('ß', 'SS'), 'json'],
  ['unicode: ü without its umlaut', 'unicode', unicode.replace('ü', 'u'), 'json'],
  ['unicode: NFKC (ligature ﬁ → fi)', 'unicode', unicode.normalize('NFKC'), 'json'],
  ['unicode: NFKD', 'unicode', unicode.normalize('NFKD'), 'json'],
  ['unicode: prefix', 'unicode', unicode.slice(0, -1), 'json'],
  ['lone surrogate instead of U+FFFD', 'replacement', 'pw\uD800', 'json'],
  ['lone surrogate %ED%A0%80 in a form body', 'replacement', 'pw%ED%A0%80', 'form-raw'],
  ['long: trailing NUL', 'long', `${USERS.long.password}\u0000`, 'json'],
  ['long: last character dropped', 'long', USERS.long.password.slice(0, -1), 'json'],
];

describe('near-miss passwords are refused', () => {
  test.each(nearMisses)('%s', async (_name, user, password, encoding) => {
    expectError(await signIn(user, password, encoding), 403, 'invalid_grant', 'Wrong email or password.');
  });
});

describe('the password itself passes', () => {
  const passes: Array<[string, UserKey, string, 'json' | 'form-raw']> = [
    ['short, JSON', 'short', 'pw12', 'json'],
    ['short, form', 'short', 'pw12', 'form-raw'],
    ['unicode (NFC), JSON', 'unicode', unicode, 'json'],
    ['unicode (NFC), form', 'unicode', encodeURIComponent(unicode), 'form-raw'],
    // Canonically equivalent: the same password typed on a keyboard that composes differently.
    ['unicode spelt in NFD', 'unicode', unicode.normalize('NFD'), 'json'],
    ['U+FFFD itself', 'replacement', 'pw\uFFFD', 'json'],
    ['long', 'long', USERS.long.password, 'json'],
  ];
  test.each(passes)('%s', async (_name, user, password, encoding) => {
    const answer = await signIn(user, password, encoding);
    expect(answer.status, answer.text).toBe(403);
    expect(answer.body.error).toBe('mfa_required');
  });
});

test('a configured password with a lone surrogate is refused when the emulator is made', () => {
  expect(() => createEmulator({ users: [{ email: 'x@example.com', password: 'pw\uD800' }] })).toThrow(/well-formed Unicode/);
});

test('the stored hash names its scheme and holds no password', () => {
  const dump = JSON.stringify(h.emulator.store.dump());
  expect(dump).toMatch(/"passwordHash":"scrypt-sha256\$8192\$8\$1\$/);
  for (const { password } of Object.values(USERS)) expect(dump).not.toContain(password);
});
