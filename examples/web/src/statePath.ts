// A snapshot's state value as the dotted path a reviewer reads in the chart, e.g.
// `verifying.idle` for `{ verifying: 'idle' }`.

export type StateValue = string | { [key: string]: StateValue };

export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => `${key}.${statePath(child)}`)
    .join(', ');
}
