// The per-user bucket of code attempts: `limit` tokens, one back every `refillMs`.
// Pure functions over a small record, so the store can persist it and dump() can show it.

export interface AttemptBucket {
  /** Tokens left as of `anchor`. */
  remaining: number;
  /** When refilling started counting (ms); only meaningful while remaining < limit. */
  anchor: number;
}

export interface BucketPolicy {
  limit: number;
  refillMs: number;
}

export function fullBucket(policy: BucketPolicy, now: number): AttemptBucket {
  return { remaining: policy.limit, anchor: now };
}

/** The bucket as it stands at `now`, refills applied; the input is not changed. */
export function bucketAt(bucket: AttemptBucket, policy: BucketPolicy, now: number): AttemptBucket {
  if (bucket.remaining >= policy.limit) return { remaining: policy.limit, anchor: now };
  const refills = Math.max(0, Math.floor((now - bucket.anchor) / policy.refillMs));
  const remaining = bucket.remaining + refills;
  if (remaining >= policy.limit) return { remaining: policy.limit, anchor: now };
  return { remaining, anchor: bucket.anchor + refills * policy.refillMs };
}

/** Takes one token (callers check that one is left first). */
export function takeAttempt(bucket: AttemptBucket, policy: BucketPolicy, now: number): AttemptBucket {
  const current = bucketAt(bucket, policy, now);
  return { remaining: Math.max(0, current.remaining - 1), anchor: current.anchor };
}

/** Epoch ms at which the next token comes back (now, when the bucket is full). */
export function nextRefillAt(bucket: AttemptBucket, policy: BucketPolicy, now: number): number {
  const current = bucketAt(bucket, policy, now);
  return current.remaining >= policy.limit ? now : current.anchor + policy.refillMs;
}
