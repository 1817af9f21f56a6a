// The authenticator app an enrollment made (its secret, its QR URI): tests that enroll an app
// read it through here, and fail plainly when the flow enrolled something else.
import type { Enrollment, OtpEnrollment } from '../../src/index.js';

export function otpEnrollment(enrollment: Enrollment | null | undefined): OtpEnrollment {
  if (enrollment?.factor !== 'otp') throw new Error(`expected an authenticator-app enrollment, got ${enrollment?.factor ?? 'none'}`);
  return enrollment;
}

/** The app's secret when the flow holds an app enrollment, else undefined (challenging an enrolled user holds none). */
export function otpSecret(enrollment: Enrollment | null | undefined): string | undefined {
  return enrollment?.factor === 'otp' ? enrollment.secret : undefined;
}
