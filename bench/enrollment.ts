// The authenticator app an enrollment made (its secret, its QR URI), for the bench scenarios
// that enroll an app; fails plainly when the flow enrolled something else.
import type { Enrollment, OtpEnrollment } from '../src/index.js';

export function otpEnrollment(enrollment: Enrollment | null | undefined): OtpEnrollment {
  if (enrollment?.factor !== 'otp') throw new Error(`expected an authenticator-app enrollment, got ${enrollment?.factor ?? 'none'}`);
  return enrollment;
}
