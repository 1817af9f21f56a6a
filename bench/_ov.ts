import { measureOverhead } from './overhead.js';
const r = await measureOverhead();
for (const row of r.rows) console.log(row.figure, '|', row.measured, row.met);
console.log(r.failures);
