// mfa-flow/inspect: watch the MFA flow in any XState inspector without showing its secrets.
export {
  REDACTED,
  SECRET_KEYS,
  redactActorRef,
  redactValue,
  sanitizeContext,
  sanitizeEvent,
  sanitizeSnapshot,
} from './redact.js';
export {
  inspectorRedaction,
  redactInspectionEvent,
  redactInspector,
  serializeRedacted,
  type InspectionObserver,
  type InspectorLike,
} from './inspector.js';
