// `mfa-flow/emulator` re-exports its implementation behind the optional-peer check one name at a
// time: none may be forgotten.
import { expect, it } from 'vitest';
import * as entry from '../../src/emulator/entry.js';
import * as emulator from '../../src/emulator/index.js';

it('exports every value the implementation exports, and the same ones', () => {
  expect(Object.keys(emulator).sort()).toEqual(Object.keys(entry).sort());
  for (const [name, value] of Object.entries(entry)) expect(emulator[name as keyof typeof emulator], name).toBe(value);
});
