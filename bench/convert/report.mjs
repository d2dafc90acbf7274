// Prints the convert benchmark's report (Markdown) from what run.sh left in RESULTS: node report.mjs RESULTS
// Per round and tool: rN-TOOL.time (/usr/bin/time -v), rN-TOOL.size (output bytes), rN.load; and `meta` (KEY=VALUE).
import fs from 'node:fs';
import { gnuTime, readMeta } from '../lib/results.mjs';

const [dir] = process.argv.slice(2);
const meta = readMeta(dir);
const input = Number(meta.input_bytes);
const rounds = Number(meta.rounds);
const tools = [
  { key: 'ours', name: 'meshagent-ship convert' },
  { key: 'ctr-remote', name: 'ctr-remote convert --estargz' },
  { key: 'gzip', name: `gzip -${meta.level} (one core)` },
];

function measurement(round, key) {
  const measured = gnuTime(`${dir}/r${round}-${key}.time`);
  return { ...measured, mbps: input / 1e6 / measured.wall, outMb: Number(fs.readFileSync(`${dir}/r${round}-${key}.size`, 'utf8')) / 1e6 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pad = (text, width) => String(text).padStart(width);
const header = `| ${'tool'.padEnd(30)} | ${pad('wall s', 7)} | ${pad('MB/s', 6)} | ${pad('CPU', 5)} | ${pad('CPU s', 6)} | ${pad('output MB', 9)} | ${pad('peak RSS MiB', 12)} |`;
const rule = `|${'-'.repeat(32)}|${'-'.repeat(9)}|${'-'.repeat(8)}|${'-'.repeat(7)}|${'-'.repeat(8)}|${'-'.repeat(11)}|${'-'.repeat(14)}|`;
const row = (name, r) =>
  `| ${name.padEnd(30)} | ${pad(r.wall.toFixed(1), 7)} | ${pad(r.mbps.toFixed(1), 6)} | ${pad(`${(r.cpu * 100).toFixed(0)}%`, 5)} | ${pad(r.cpuSeconds.toFixed(1), 6)} | ${pad(r.outMb.toFixed(1), 9)} | ${pad(r.rssMb.toFixed(0), 12)} |`;

const lines = [];
lines.push(
  `Input: ${(input / 1e6).toFixed(0)} MB uncompressed tar of /{${meta.sources.split(' ').join(',')}}, ${meta.entries} entries, as one layer; gzip level ${meta.level}; 4 MiB chunks`,
);
lines.push(`Machine: ${meta.cores} cores (${meta.cpu}); Node ${meta.node}; ${meta.ctr_remote}`);

const all = {};
for (const tool of tools) all[tool.key] = [];
for (let round = 1; round <= rounds; round += 1) {
  const load = fs.readFileSync(`${dir}/r${round}.load`, 'utf8').trim();
  lines.push('', `Round ${round} (load average before it: ${load})`, '', header, rule);
  for (const tool of tools) {
    const r = measurement(round, tool.key);
    all[tool.key].push(r);
    lines.push(row(tool.name, r));
  }
}

const med = {};
for (const tool of tools) {
  const runs = all[tool.key];
  med[tool.key] = Object.fromEntries(['wall', 'mbps', 'cpu', 'cpuSeconds', 'rssMb', 'outMb'].map((k) => [k, median(runs.map((r) => r[k]))]));
}
lines.push('', `Median of ${rounds} round${rounds === 1 ? '' : 's'}`, '', header, rule);
for (const tool of tools) lines.push(row(tool.name, med[tool.key]));

const ours = med.ours;
const ctr = med['ctr-remote'];
const gzip = med.gzip;
const worstRss = Math.max(...all.ours.map((r) => r.rssMb));
const digests = new Set();
for (let round = 1; round <= rounds; round += 1) digests.add(JSON.parse(fs.readFileSync(`${dir}/r${round}-ours.json`, 'utf8')).manifests[0].layers[0].digest);
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const throughputCtr = ours.mbps / ctr.mbps;
const throughputGzip = ours.mbps / gzip.mbps;
const sizeVsCtr = (ours.outMb / ctr.outMb - 1) * 100;
lines.push(
  '',
  '| ratio (medians) | value | target | |',
  '|---|---|---|---|',
  `| throughput, ours / ctr-remote | ${throughputCtr.toFixed(2)}x | >= 4.5x | ${verdict(throughputCtr >= 4.5)} |`,
  `| throughput, ours / gzip -${meta.level} | ${throughputGzip.toFixed(2)}x | >= 1.6x | ${verdict(throughputGzip >= 1.6)} |`,
  `| output size, ours vs ctr-remote | ${sizeVsCtr >= 0 ? '+' : ''}${sizeVsCtr.toFixed(2)}% | <= +0.5% | ${verdict(sizeVsCtr <= 0.5)} |`,
  `| output size, ours vs gzip -${meta.level} | +${((ours.outMb / gzip.outMb - 1) * 100).toFixed(2)}% | (eStargz overhead) | |`,
  `| peak RSS, ours (worst round) | ${worstRss.toFixed(0)} MiB | < 256 MiB | ${verdict(worstRss < 256)} |`,
  `| CPU time, ours / gzip -${meta.level} | ${(ours.cpuSeconds / gzip.cpuSeconds).toFixed(2)}x | | |`,
  '',
  `Our output: \`meshagent-ship verify\` ${meta.verify === 'pass' ? 'passes' : 'FAILS'}; the layer is ${digests.size === 1 ? 'byte for byte the same in every round' : 'NOT the same in every round'} (${meta.layer});`,
  `its TOC digest ${meta.go_toc === meta.toc ? 'matches' : 'does NOT match'} what Go's \`ctr-remote images get-toc-digest\` computes (${meta.go_toc}).`,
);
console.log(lines.join('\n'));
