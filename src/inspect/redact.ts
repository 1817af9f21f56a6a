// Secret-free copies of what the MFA flow holds: context, events, snapshots, errors, actor
// references. Secrets are found by the name of the field that carries them (the chart's own
// names and the Auth0 wire names) and replaced by a marker, so the shape stays reviewable:
// `mfaToken: '[redacted]'` says a token is held, `mfaToken: null` that none is.
import { MFA_ERROR_CODES } from '../../machines/types.js';

/** What every secret value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Fields whose value is a secret wherever they appear: context, events, service inputs and
 * outputs, persisted snapshots. camelCase as the chart names them, snake_case as Auth0 sends them.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'mfaToken', 'mfa_token',
  'enrollToken',
  'bearer', 'authorization',
  'secret', 'clientSecret', 'client_secret',
  'barcodeUri', 'barcode_uri',
  'recoveryCodes', 'recovery_codes',
  'recoveryCode', 'recovery_code',
  'newRecoveryCode',
  'accessToken', 'access_token',
  'idToken', 'id_token',
  'refreshToken', 'refresh_token',
  'password',
  'otp',
  // out-of-band factors: the code a message carried, the code that binds it, where it went
  'oobCode', 'oob_code',
  'bindingCode', 'binding_code',
  'phoneNumber', 'phone_number',
  'email',
]);

// A code the user typed, as the chart keeps it while its request is in flight:
// `submission: { kind: 'otp' | 'recoveryCode', code }`. Elsewhere `code` is an error code.
const CODE_KINDS = new Set(['otp', 'recoveryCode']);
const isCodeSubmission = (parentKey: string | undefined, object: Record<string, unknown>) =>
  parentKey === 'submission' || (typeof object.kind === 'string' && CODE_KINDS.has(object.kind));

// Structure of a machine snapshot that holds no data: kept as is (and `_nodes`/`machine` are
// large graphs that must not be copied).
const STRUCTURAL_SNAPSHOT_KEYS = new Set(['status', 'value', 'tags', '_nodes', 'machine', 'historyValue']);

// Errors carrying one of these codes have messages written by this library (src/api/errors.ts),
// safe to show. Any other error's message may quote a request or response: it is not passed on.
const SAFE_MESSAGE_CODES: ReadonlySet<string> = new Set(MFA_ERROR_CODES);

const MAX_DEPTH = 20;

type Dict = Record<string, unknown>;

/** Replaces a secret by the marker, keeping `null`/`undefined` (no secret held) and list lengths. */
function redactSecret(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(redactSecret);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Dict).map(([key, inner]) => [key, redactSecret(inner)]));
  }
  return REDACTED;
}

export interface ActorRefLike {
  sessionId: string;
  getSnapshot(): unknown;
  send(event: unknown): void;
}

function isActorRef(value: object): value is ActorRefLike {
  const ref = value as Partial<ActorRefLike>;
  return typeof ref.sessionId === 'string' && typeof ref.getSnapshot === 'function' && typeof ref.send === 'function';
}

function isMachineSnapshot(value: object): boolean {
  return 'machine' in value && 'context' in value && '_nodes' in value;
}

/** An error as a plain object: its name and stable fields; its message only when the library wrote it. */
function redactError(error: Error): Dict {
  const fields = error as Error & Dict;
  const safe = typeof fields.code === 'string' && SAFE_MESSAGE_CODES.has(fields.code);
  const out: Dict = { name: error.name, message: safe ? error.message : REDACTED };
  for (const key of ['code', 'error', 'errorDescription', 'status', 'retryAfterMs'] as const) {
    if (fields[key] !== undefined) out[key] = redactValue(fields[key]);
  }
  return out;
}

/**
 * A copy of any value with every secret replaced by {@link REDACTED}. Walks objects, arrays,
 * Maps and Sets; turns errors into plain objects; wraps actor references (see
 * {@link redactActorRef}); applies `toJSON` where a value defines one; cuts cycles.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, undefined, [], 0);
}

function walk(value: unknown, parentKey: string | undefined, ancestors: object[], depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.includes(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[truncated]';
  if (isActorRef(value)) return redactActorRef(value);
  if (isMachineSnapshot(value)) return sanitizeSnapshot(value);
  if (value instanceof Error) return redactError(value);
  const next = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item) => walk(item, parentKey, next, depth + 1));
  if (value instanceof Map) {
    return new Map([...value].map(([key, inner]) => [key, walkField(String(key), inner, false, next, depth)]));
  }
  if (value instanceof Set) return new Set([...value].map((item) => walk(item, parentKey, next, depth + 1)));
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return walk(withToJson.toJSON(), parentKey, next, depth + 1);
  const object = value as Dict;
  const out: Dict = {};
  const submission = isCodeSubmission(parentKey, object);
  for (const key of Object.keys(object)) out[key] = walkField(key, object[key], submission, next, depth);
  return out;
}

function walkField(key: string, value: unknown, inSubmission: boolean, ancestors: object[], depth: number): unknown {
  if (SECRET_KEYS.has(key) || (inSubmission && key === 'code')) return redactSecret(value);
  return walk(value, key, ancestors, depth + 1);
}

/** The context with every secret replaced; same fields, same nesting. For `sanitizeContext` options. */
export function sanitizeContext<TContext>(context: TContext): TContext {
  return redactValue(context) as TContext;
}

/**
 * The event with every secret replaced, keeping its `type`: `otp.submit {otp}`,
 * `credentials.submit {password}`, `mfaToken.provide {mfaToken}`, and the `output`/`error` of
 * the done and error events of invoked services. For `sanitizeEvent` options.
 */
export function sanitizeEvent<TEvent>(event: TEvent): TEvent {
  return redactValue(event) as TEvent;
}

/**
 * A snapshot of any actor with its data redacted: `context`, `output`, `error`, and the `input`
 * of invoked services. A machine snapshot keeps its methods (`matches`, `hasTag`, `toJSON`), so
 * an inspector can use it like the original; its children are wrapped as {@link redactActorRef}.
 */
export function sanitizeSnapshot<TSnapshot>(snapshot: TSnapshot): TSnapshot {
  if (snapshot === null || typeof snapshot !== 'object') return snapshot;
  const copy = Object.create(Object.getPrototypeOf(snapshot), Object.getOwnPropertyDescriptors(snapshot)) as Dict;
  for (const key of Object.keys(copy)) {
    const value = copy[key];
    if (STRUCTURAL_SNAPSHOT_KEYS.has(key) || typeof value === 'function') continue;
    if (key === 'children' && value !== null && typeof value === 'object') {
      copy[key] = Object.fromEntries(
        Object.entries(value as Dict).map(([id, child]) => [
          id,
          child !== null && typeof child === 'object' && isActorRef(child) ? redactActorRef(child) : redactValue(child),
        ]),
      );
      continue;
    }
    copy[key] = SECRET_KEYS.has(key) ? redactSecret(value) : redactValue(value);
  }
  return copy as TSnapshot;
}

const refProxies = new WeakMap<object, object>();
/** Parts of an actor an inspector needs that hold no data: its identity and its logic (the chart). */
const READ_THROUGH = new Set(['id', 'sessionId', 'src', 'systemId', 'logic']);

/**
 * A stand-in for a live actor reference that inspectors may hold: reading its snapshot
 * (`getSnapshot`, `getPersistedSnapshot`, `subscribe`) yields redacted snapshots; its id,
 * session id, logic and parent read through. The same ref always gets the same stand-in.
 */
export function redactActorRef<TRef extends object>(ref: TRef): TRef {
  const cached = refProxies.get(ref);
  if (cached !== undefined) return cached as TRef;
  const proxy = new Proxy(ref, {
    get(target, property, receiver) {
      const live = target as Dict & ActorRefLike;
      switch (property) {
        case 'getSnapshot':
          return () => sanitizeSnapshot(live.getSnapshot());
        case '_snapshot':
          return sanitizeSnapshot(live._snapshot);
        case 'getPersistedSnapshot':
          return (...args: unknown[]) => redactValue((live.getPersistedSnapshot as (...a: unknown[]) => unknown)(...args));
        case 'subscribe':
          return (...args: unknown[]) => subscribeRedacted(live, args);
        case '_parent':
        case 'parent': {
          const parent = live[property];
          return parent !== null && typeof parent === 'object' ? redactActorRef(parent) : parent;
        }
        case 'options':
          // Holds the actor's `input`: the password, the MFA token, the code typed.
          return redactValue(live.options);
        case 'ref':
          return receiver;
        case 'send':
          return (live.send as (event: unknown) => void).bind(target);
        case 'toJSON':
          return () => ({ xstate$$type: 1, id: live.id });
        default: {
          // Deny by default: any other object or function of a live actor (its system, mailbox,
          // observers, internals) could lead back to unredacted data. Plain values pass.
          if (typeof property === 'string' && READ_THROUGH.has(property)) return Reflect.get(target, property, target);
          const value = Reflect.get(target, property, target);
          return value !== null && (typeof value === 'object' || typeof value === 'function') ? undefined : value;
        }
      }
    },
    // Read-only: a serializer that breaks cycles by writing into the objects it walks
    // (fast-safe-stringify, used by @statelyai/inspect) must not rewire the running actor.
    set: () => true,
    defineProperty: () => true,
    deleteProperty: () => true,
  });
  refProxies.set(ref, proxy);
  return proxy;
}

type SnapshotListener = { next?: (value: unknown) => void; error?: (error: unknown) => void; complete?: () => void };

function subscribeRedacted(ref: Dict, args: unknown[]): unknown {
  const [first, error, complete] = args;
  const observer: SnapshotListener =
    typeof first === 'function'
      ? { next: first as SnapshotListener['next'], error: error as SnapshotListener['error'], complete: complete as SnapshotListener['complete'] }
      : ((first ?? {}) as SnapshotListener);
  const subscribe = ref.subscribe as (observer: SnapshotListener) => unknown;
  return subscribe.call(ref, {
    next: (snapshot) => observer.next?.(sanitizeSnapshot(snapshot)),
    error: (failure) => observer.error?.(redactValue(failure)),
    complete: () => observer.complete?.(),
  });
}
