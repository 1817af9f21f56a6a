import { createActor, setup, fromPromise, waitFor } from 'xstate';
import { createMfaFlow, createMfaApiClient } from '../src/index.js';
import { benchClock } from './fixtures.js';
const N = 20000;
const clock = benchClock();
const client = createMfaApiClient({ baseUrl: 'http://x', clientId: 'c', fetch: async () => new Response('{}') });
let t = performance.now();
for (let i = 0; i < N; i++) { const f = createMfaFlow({ client, clock, intent: 'challenge' }); f.start(); f.stop(); }
console.log('createMfaFlow+start+stop (needMfaToken.idle):', ((performance.now() - t) / N * 1000).toFixed(1), 'µs');
const tiny = setup({ actors: { a: fromPromise(async () => 1) } }).createMachine({ initial: 'x', states: { x: { invoke: { src: 'a', onDone: 'y' } }, y: { on: { go: 'z' } }, z: { type: 'final' } } });
t = performance.now();
for (let i = 0; i < N; i++) { const a = createActor(tiny); a.start(); await waitFor(a, (s) => s.matches('y')); a.send({ type: 'go' }); }
console.log('tiny machine, 1 invoke + 2 transitions + waitFor:', ((performance.now() - t) / N * 1000).toFixed(1), 'µs');
