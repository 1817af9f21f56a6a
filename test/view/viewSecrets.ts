// Watches a real flow and keeps, for every snapshot it goes through, the view a UI would get and
// every secret the chart held at that moment (MFA token, enroll token, oob_code, submitted code,
// final tokens), so a test can check that no view ever carried one.
import type { MfaFlowActor } from '../../src/index.js';
import { toFlowView, type FlowView } from '../../src/view/index.js';

export interface ViewWatch {
  views: FlowView[];
  /** Long secrets, matched anywhere in a view's JSON. */
  secrets: Set<string>;
  /** Short codes (6 digits, binding codes): matched as whole JSON strings, as a view would hold them. */
  codes: Set<string>;
  /** The secrets and codes found in any view's JSON (should be none). */
  leaks(): string[];
}

export function watchViews(flow: MfaFlowActor, extraSecrets: string[] = []): ViewWatch {
  const views: FlowView[] = [];
  const secrets = new Set<string>(extraSecrets);
  const codes = new Set<string>();
  const keep = (set: Set<string>, value: string | null | undefined) => {
    if (value) set.add(value);
  };
  flow.subscribe((snapshot) => {
    const { context } = snapshot;
    keep(secrets, context.mfaToken);
    keep(secrets, context.enrollToken);
    keep(secrets, context.oobCode);
    if (context.enrollment !== null && context.enrollment.factor !== 'otp') keep(secrets, context.enrollment.oobCode);
    keep(codes, context.submission?.code);
    keep(secrets, context.tokens?.accessToken);
    keep(secrets, context.tokens?.idToken);
    if (snapshot.output?.outcome === 'authenticated') {
      keep(secrets, snapshot.output.tokens.accessToken);
      keep(secrets, snapshot.output.tokens.idToken);
    }
    views.push(toFlowView(snapshot));
  });
  return {
    views,
    secrets,
    codes,
    leaks() {
      const texts = views.map((view) => JSON.stringify(view));
      return [
        ...[...secrets].filter((secret) => texts.some((text) => text.includes(secret))),
        ...[...codes].filter((code) => texts.some((text) => text.includes(JSON.stringify(code)))),
      ];
    },
  };
}
