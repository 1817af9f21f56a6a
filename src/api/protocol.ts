// Auth0's protocol constants, in one place for the client and the emulator alike.

/** @see https://auth0.com/docs/get-started/authentication-and-authorization-flow/resource-owner-password-flow */
export const GRANT_PASSWORD = 'password';
export const GRANT_PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
/** @see https://auth0.com/docs/api/authentication#verify-with-one-time-password-otp- */
export const GRANT_MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp';
/** @see https://auth0.com/docs/api/authentication#verify-with-out-of-band-oob- */
export const GRANT_MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob';
/** @see https://auth0.com/docs/api/authentication#verify-with-recovery-code */
export const GRANT_MFA_RECOVERY_CODE = 'http://auth0.com/oauth/grant-type/mfa-recovery-code';

/** A tenant domain as Auth0 shows it: `tenant.eu.auth0.com`, optionally with a port (`localhost:4010`). */
export const DOMAIN_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;
