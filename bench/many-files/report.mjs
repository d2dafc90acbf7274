// Prints the many-files benchmark's report (Markdown) from what run.sh left in RESULTS: node report.mjs RESULTS
// Per round and measurement: rN-NAME.time (/usr/bin/time -v), rN-NAME.json (our --json output), rN.load; and `meta`.
import fs from 'node:fs';
import { gnuTime, readMeta } from '../lib/results.mjs';

const [dir] = process.argv.slice(2);
const meta = readMeta(dir);
const rounds = Number(meta.rounds);
const runs = [
  { key: 'ours', name: 'meshagent-ship convert', ours: true },
  { key: 'ours-prefetch', name: 'convert --prefetch /app/main', ours: true },
  { key: 'ctr-remote', name: 'ctr-remote convert --estargz', ours: false },
  { key: 'ship', name: 'ship (first)', ours: true },
  { key: 'ship-prefetch', name: 'ship --prefetch (converts)', ours: true },
  { key: 'ship-again', name: 'ship --prefetch (reuses)', ours: true },
];

function measurement(round, key) {
  return gnuTime(`${dir}/r${round}-${key}.time`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pad = (text, width) => String(text).padStart(width);
const header = `| ${'run'.padEnd(30)} | ${pad('wall s', 7)} | ${pad('CPU', 5)} | ${pad('CPU s', 6)} | ${pad('peak RSS MiB', 12)} |`;
const rule = `|${'-'.repeat(32)}|${'-'.repeat(9)}|${'-'.repeat(7)}|${'-'.repeat(8)}|${'-'.repeat(14)}|`;
const row = (name, r) =>
  `| ${name.padEnd(30)} | ${pad(r.wall.toFixed(1), 7)} | ${pad(`${(r.cpu * 100).toFixed(0)}%`, 5)} | ${pad(r.cpuSeconds.toFixed(1), 6)} | ${pad(r.rssMb.toFixed(0), 12)} |`;

const lines = [];
lines.push(
  `Input: one gzip layer of ${Number(meta.files).toLocaleString('en')} ${meta.variant === 'hardlinks' ? 'files, all but the first of each directory hardlinks' : 'files'} (${(Number(meta.layer_bytes) / 1e6).toFixed(1)} MB, a ${(Number(meta.tar_bytes) / 1e6).toFixed(0)} MB tar); converted: ${Number(meta.entries).toLocaleString('en')} TOC entries`,
);
lines.push(`Machine: ${meta.cores} cores (${meta.cpu}); Node ${meta.node}; ${meta.ctr_remote}`);

const all = Object.fromEntries(runs.map((r) => [r.key, []]));
for (let round = 1; round <= rounds; round += 1) {
  const load = fs.readFileSync(`${dir}/r${round}.load`, 'utf8').trim();
  lines.push('', `Round ${round} (load average before it: ${load})`, '', header, rule);
  for (const run of runs) {
    const r = measurement(round, run.key);
    all[run.key].push(r);
    lines.push(row(run.name, r));
  }
}
const med = Object.fromEntries(
  runs.map((run) => [run.key, Object.fromEntries(['wall', 'cpu', 'cpuSeconds', 'rssMb'].map((k) => [k, median(all[run.key].map((r) => r[k]))]))]),
);
if (rounds > 1) {
  lines.push('', `Median of ${rounds} rounds`, '', header, rule);
  for (const run of runs) lines.push(row(run.name, med[run.key]));
}

const verdict = (ok) => (ok ? 'met' : 'MISSED');
const ctr = med['ctr-remote'];
lines.push('', '| ratio (medians) | value | target | |', '|---|---|---|---|');
lines.push(`| wall time, convert / ctr-remote | ${(med.ours.wall / ctr.wall).toFixed(2)}x | | |`);
lines.push(`| wall time, convert --prefetch / ctr-remote | ${(med['ours-prefetch'].wall / ctr.wall).toFixed(2)}x | | |`);
lines.push(`| peak RSS, convert / ctr-remote | ${(med.ours.rssMb / ctr.rssMb).toFixed(2)}x | | |`);
for (const run of runs.filter((r) => r.ours)) {
  const worst = Math.max(...all[run.key].map((r) => r.rssMb));
  lines.push(`| peak RSS, ${run.name} (worst round) | ${worst.toFixed(0)} MiB | < 256 MiB | ${verdict(worst < 256)} |`);
}

const digests = new Set();
for (let round = 1; round <= rounds; round += 1) digests.add(JSON.parse(fs.readFileSync(`${dir}/r${round}-ours.json`, 'utf8')).manifests[0].layers[0].digest);
const shipped = JSON.parse(fs.readFileSync(`${dir}/r1-ship.json`, 'utf8'));
const again = JSON.parse(fs.readFileSync(`${dir}/r1-ship-again.json`, 'utf8'));
lines.push(
  '',
  `Our output: the layer is ${digests.size === 1 ? 'byte for byte the same in every round' : 'NOT the same in every round'} (${meta.layer}); its TOC digest ${meta.go_toc === meta.toc ? 'matches' : 'does NOT match'} what Go's \`ctr-remote images get-toc-digest\` computes (${meta.go_toc}).`,
  `The ships: ${shipped.status}, ${again.status}; the last one's layers: ${again.image.layers.map((l) => l.conversion).join(', ')}.`,
);
console.log(lines.join('\n'));
