// Local validation of what a user types, so that a malformed code never reaches the network.

/** Six digits once spaces are removed ("123 456" is how authenticator apps display codes). */
export function normalizeOtp(raw: string): string | null {
  const otp = raw.replace(/\s+/g, '');
  return /^\d{6}$/.test(otp) ? otp : null;
}

/** 24 characters A-Z0-9, case-insensitive, spaces and dashes ignored. */
export function normalizeRecoveryCode(raw: string): string | null {
  const code = raw.replace(/[\s-]+/g, '').toUpperCase();
  return /^[A-Z0-9]{24}$/.test(code) ? code : null;
}
