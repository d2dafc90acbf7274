// The build benchmark's figures, from WORK/rows.txt (per round and service: wall seconds, CPU seconds and the
// 1-minute load average at the start, of the cold ship, the warm ship and the manual recipe) and the ships' JSON
// results: each round, then the median of the rounds with the ratios of the medians against the targets, the
// ships' median stage times, and what the cache did.
//   node bench/build/report.mjs WORK ROUNDS
import { readFileSync } from 'node:fs';

const [work, rounds] = [process.argv[2], Number(process.argv[3])];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const result = (name) => JSON.parse(readFileSync(`${work}/${name}.out`, 'utf8'));
const f = (n, d = 2) => n.toFixed(d);

const rows = readFileSync(`${work}/rows.txt`, 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const [service, round, ...n] = line.trim().split(/\s+/);
    const v = n.map(Number);
    const run = (i) => ({ wall: v[i], cpu: v[i + 1], load: v[i + 2] });
    return { service, round, cold: run(0), warm: run(3), manual: run(6) };
  });

const header = [
  'service',
  'round',
  'cold s',
  'warm s',
  'manual s',
  'warm/cold',
  'manual/cold',
  'cold cpu',
  'warm cpu',
  'manual cpu',
  'warm/cold cpu',
  'manual/cold cpu',
  'load',
];
const widths = [8, 7, 8, 8, 9, 10, 12, 9, 9, 11, 14, 16, 15];
const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join(' ');
const cells = (service, round, r) => [
  service,
  round,
  f(r.cold.wall),
  f(r.warm.wall),
  f(r.manual.wall),
  f(r.warm.wall / r.cold.wall, 3),
  f(r.manual.wall / r.cold.wall),
  f(r.cold.cpu),
  f(r.warm.cpu),
  f(r.manual.cpu),
  f(r.warm.cpu / r.cold.cpu, 3),
  f(r.manual.cpu / r.cold.cpu),
  `${f(r.cold.load, 1)}/${f(r.warm.load, 1)}/${f(r.manual.load, 1)}`,
];
console.log('\nWall and CPU (user + system, every process waited for, and containerd for the manual recipe) seconds;');
console.log('load: the 1-minute load average when the cold ship, the warm ship and the manual recipe started.');
console.log('Targets: warm/cold <= 0.20, manual/cold >= 3.\n');
console.log(line(header));
for (const r of rows) console.log(line(cells(r.service, r.round, r)));
for (const service of ['node', 'python']) {
  const of = rows.filter((r) => r.service === service);
  const pick = (kind, key) => median(of.map((r) => r[kind][key]));
  const med = Object.fromEntries(['cold', 'warm', 'manual'].map((k) => [k, { wall: pick(k, 'wall'), cpu: pick(k, 'cpu'), load: pick(k, 'load') }]));
  console.log(line(cells(service, 'median', med)));
}

for (const service of ['node', 'python']) {
  const ships = (kind) => Array.from({ length: rounds }, (_, i) => result(`${service}-${kind}${i + 1}`));
  const stages = (rs) =>
    rs[0].stages.map((s) => `${s.name} ${f(median(rs.map((r) => (r.stages.find((t) => t.name === s.name)?.durationMs ?? 0) / 1000)))}`).join(', ');
  const cold = ships('cold');
  const warm = ships('warm');
  console.log(
    `\n${service}: ship durations (in-process, s, median): cold ${f(median(cold.map((r) => r.durationMs)) / 1000)}, warm ${f(median(warm.map((r) => r.durationMs)) / 1000)}`,
  );
  console.log(`  cold stages (median): ${stages(cold)}`);
  console.log(`  warm stages (median): ${stages(warm)}`);
  console.log(`  warm cache: ${warm[0].cache?.hits} of ${warm[0].cache?.steps} steps hit; restored ${warm[0].cache?.restored}; saved ${warm[0].cache?.saved}`);
  console.log(`  warm layers: ${warm[0].image.layers.map((l) => `${l.conversion}/${l.push}`).join(', ')}`);
}
