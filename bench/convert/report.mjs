// Prints the convert benchmark's report (Markdown) from what run.sh left in RESULTS: node report.mjs RESULTS
// RESULTS/meta (KEY=VALUE: cases, level, rounds, machine); per case a directory RESULTS/CASE with its meta (input,
// our layer and TOC digests, the checks) and, per round and tool, rN-TOOL.time (/usr/bin/time -v), rN-TOOL.size
// (output bytes) and rN.load.
import fs from 'node:fs';
import { gnuTime, readMeta } from '../lib/results.mjs';

const [dir] = process.argv.slice(2);
const meta = readMeta(dir);
const rounds = Number(meta.rounds);
const tools = [
  { key: 'ours', name: 'meshagent-ship convert' },
  { key: 'pigz', name: `pigz -${meta.level} (all cores)` },
  { key: 'ctr-remote', name: 'ctr-remote convert --estargz' },
];
const TARGET = { pigz: 1.0, ctr: 6.0, rssMb: 256 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pad = (text, width) => String(text).padStart(width);
const header = `| ${'tool'.padEnd(30)} | ${pad('wall s', 7)} | ${pad('MB/s', 6)} | ${pad('CPU', 5)} | ${pad('CPU s', 6)} | ${pad('output MB', 9)} | ${pad('peak RSS MiB', 12)} |`;
const rule = `|${'-'.repeat(32)}|${'-'.repeat(9)}|${'-'.repeat(8)}|${'-'.repeat(7)}|${'-'.repeat(8)}|${'-'.repeat(11)}|${'-'.repeat(14)}|`;
const row = (name, r) =>
  `| ${name.padEnd(30)} | ${pad(r.wall.toFixed(2), 7)} | ${pad(r.mbps.toFixed(1), 6)} | ${pad(`${(r.cpu * 100).toFixed(0)}%`, 5)} | ${pad(r.cpuSeconds.toFixed(2), 6)} | ${pad(r.outMb.toFixed(1), 9)} | ${pad(r.rssMb.toFixed(0), 12)} |`;
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const signed = (percent) => `${percent >= 0 ? '+' : ''}${percent.toFixed(2)}%`;

const lines = [];
lines.push(`Machine: ${meta.cores} cores (${meta.cpu}); Node ${meta.node}; ${meta.pigz}; ${meta.ctr_remote}; gzip level ${meta.level}; 4 MiB chunks`);
const summary = [];
for (const name of meta.cases.split(' ')) {
  const caseDir = `${dir}/${name}`;
  const info = readMeta(caseDir);
  const input = Number(info.input_bytes);
  const measurement = (round, key) => {
    const measured = gnuTime(`${caseDir}/r${round}-${key}.time`);
    return { ...measured, mbps: input / 1e6 / measured.wall, outMb: Number(fs.readFileSync(`${caseDir}/r${round}-${key}.size`, 'utf8')) / 1e6 };
  };
  lines.push(
    '',
    `## ${name}: ${(input / 1e6).toFixed(0)} MB uncompressed tar of /{${info.sources.split(' ').join(',')}}, ${info.entries} entries, as one layer`,
  );
  const all = Object.fromEntries(tools.map((tool) => [tool.key, []]));
  const loads = [];
  for (let round = 1; round <= rounds; round += 1) {
    const load = fs.readFileSync(`${caseDir}/r${round}.load`, 'utf8').trim();
    loads.push(load.split(' ')[0]);
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
  const digests = new Set();
  for (let round = 1; round <= rounds; round += 1)
    digests.add(JSON.parse(fs.readFileSync(`${caseDir}/r${round}-ours.json`, 'utf8')).manifests[0].layers[0].digest);
  lines.push(
    '',
    `Our output: \`meshagent-ship verify\` ${info.verify === 'pass' ? 'passes' : 'FAILS'}; the layer is ${digests.size === 1 ? 'byte for byte the same in every round' : 'NOT the same in every round'} (${info.layer});`,
    `its TOC digest ${info.go_toc === info.toc ? 'matches' : 'does NOT match'} what Go's \`ctr-remote images get-toc-digest\` computes (${info.go_toc}).`,
  );
  summary.push({
    name: `${name} (${(input / 1e6).toFixed(0)} MB)`,
    // Speed ratios: the other tool's wall time over ours (above 1, ours is faster).
    pigz: med.pigz.wall / ours.wall,
    ctr: med['ctr-remote'].wall / ours.wall,
    sizePigz: (ours.outMb / med.pigz.outMb - 1) * 100,
    sizeCtr: (ours.outMb / med['ctr-remote'].outMb - 1) * 100,
    worstRss: Math.max(...all.ours.map((r) => r.rssMb)),
    cpuPigz: ours.cpuSeconds / med.pigz.cpuSeconds,
    loads: loads.join(', '),
    // The same ratios round by round: the tools of one round ran one after the other, under much the same load.
    pigzRounds: all.ours.map((r, i) => (all.pigz[i].wall / r.wall).toFixed(2)).join(', '),
    ctrRounds: all.ours.map((r, i) => (all['ctr-remote'][i].wall / r.wall).toFixed(2)).join(', '),
  });
}

lines.push(
  '',
  "## Ratios (medians; speed is the other tool's wall time over ours)",
  '',
  '| input | ours / pigz speed | per round | ours / ctr-remote speed | per round | size vs pigz | size vs ctr-remote | peak RSS, ours (worst) | CPU s, ours / pigz | load before the rounds |',
  '|---|---|---|---|---|---|---|---|---|---|',
);
for (const s of summary) {
  lines.push(
    `| ${s.name} | ${s.pigz.toFixed(2)}x (>= ${TARGET.pigz.toFixed(1)}x: ${verdict(s.pigz >= TARGET.pigz)}) | ${s.pigzRounds} | ${s.ctr.toFixed(2)}x (>= ${TARGET.ctr.toFixed(1)}x: ${verdict(s.ctr >= TARGET.ctr)}) | ${s.ctrRounds} | ${signed(s.sizePigz)} | ${signed(s.sizeCtr)} | ${s.worstRss.toFixed(0)} MiB (< ${TARGET.rssMb}: ${verdict(s.worstRss < TARGET.rssMb)}) | ${s.cpuPigz.toFixed(2)}x | ${s.loads} |`,
  );
}
console.log(lines.join('\n'));
