// What a remote flow's request can fail with, apart from a lost flow (which becomes a view): the
// server's stable code (`flow_busy` after the retries, `store_unavailable`, `invalid_event`, …),
// or `network` / `invalid_response` when no usable answer came. The message never holds a value sent.
export class RemoteFlowError extends Error {
  static code = 'ERR_REMOTE_FLOW';
  readonly code = RemoteFlowError.code;
  constructor(
    /** The server's `error` code, or `network`, `invalid_response`. */
    readonly error: string,
    /** The HTTP status (0 when nothing answered). */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteFlowError';
  }
}

export const isRemoteFlowError = (value: unknown): value is RemoteFlowError => value instanceof RemoteFlowError;
