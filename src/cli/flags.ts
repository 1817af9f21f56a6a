// Checks of command-line flag values shared by the commands. A bad value throws UsageError,
// which each command turns into its usage text and exit status 2.

export class UsageError extends Error {}

export function integerFlag(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

/** A TCP port; 0 asks the system for a free one. */
export function portFlag(name: string, value: string): number {
  return integerFlag(name, value, 0, 65_535);
}
