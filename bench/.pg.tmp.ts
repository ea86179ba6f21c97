import postgres from 'postgres';
const sql = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await sql`create temp table t (id serial, b bytea)`;
const times: number[] = [];
const end = Date.now() + 20000;
while (Date.now() < end) {
  const t = performance.now();
  await sql`insert into t (b) values (${Buffer.alloc(200)})`;
  times.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 5));
}
times.sort((a, b) => a - b);
const p = (q: number) => times[Math.floor(q * times.length)]!.toFixed(2);
console.log('n', times.length, 'p50', p(0.5), 'p99', p(0.99), 'p999', p(0.999), 'max', times.at(-1)!.toFixed(1));
await sql.end();
