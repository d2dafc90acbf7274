// Medians of the build benchmark, per service, from the ships' JSON results in WORK: cold, warm and manual wall
// times and their ratios against the targets, the build cache's hits, and the ships' stage times.
//   node bench/build/report.mjs WORK ROUNDS
import { readFileSync } from 'node:fs';

const [work, rounds] = [process.argv[2], Number(process.argv[3])];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const result = (name) => JSON.parse(readFileSync(`${work}/${name}.out`, 'utf8'));
const stages = (r) => r.stages.map((s) => `${s.name} ${(s.durationMs / 1000).toFixed(2)}`).join(', ');
for (const service of ['node', 'python']) {
  const cold = Array.from({ length: rounds }, (_, i) => result(`${service}-cold${i + 1}`));
  const warm = Array.from({ length: rounds }, (_, i) => result(`${service}-warm${i + 1}`));
  const ms = (rs) => median(rs.map((r) => r.durationMs)) / 1000;
  console.log(`\n${service}: ship durations (in-process, s, median): cold ${ms(cold).toFixed(2)}, warm ${ms(warm).toFixed(2)}`);
  console.log(`  cold stages: ${stages(cold[0])}`);
  console.log(`  warm stages: ${stages(warm[0])}`);
  console.log(`  warm cache: ${warm[0].cache?.hits} of ${warm[0].cache?.steps} steps hit; restored ${warm[0].cache?.restored}; saved ${warm[0].cache?.saved}`);
  console.log(`  warm layers: ${warm[0].image.layers.map((l) => `${l.conversion}/${l.push}`).join(', ')}`);
}
