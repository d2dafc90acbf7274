// Prints the start-up benchmark's report (Markdown) from what run.sh left in RESULTS: node report.mjs RESULTS
// Per round and image: rN-TAG.json (pull-and-run's figures), rN-TAG.time (/usr/bin/time -v of that run, daemons'
// start and stop included), rN.load; and `meta`.
import fs from 'node:fs';
import { gnuTime, readMeta } from '../lib/results.mjs';

const [dir] = process.argv.slice(2);
const meta = readMeta(dir);
const rounds = Number(meta.rounds);
const NAMES = {
  plain: 'plain gzip',
  'ctr-estargz': 'ctr-remote convert --estargz',
  'ctr-optimize': 'ctr-remote image optimize',
  ours: 'meshagent-ship convert',
  'ours-prefetch': 'meshagent-ship convert --prefetch',
};
const tags = meta.images.split(' ');

function measurement(round, tag) {
  const run = JSON.parse(fs.readFileSync(`${dir}/r${round}-${tag}.json`, 'utf8'));
  const time = gnuTime(`${dir}/r${round}-${tag}.time`);
  return {
    pull: run.pullMs / 1000,
    first: run.firstOutputMs / 1000,
    fetched: run.bytesBeforeFirstOutput,
    atExit: run.bytesAtExit,
    image: run.layerBytes,
    lazy: `${run.remoteLayers}/${run.layers}`,
    wall: time.wall,
    cpuSeconds: time.cpuSeconds,
    line: run.firstLine,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const pad = (text, width) => String(text).padStart(width);
const header = `| ${'image'.padEnd(34)} | ${pad('pull s', 6)} | ${pad('first output s', 14)} | ${pad('fetched MB', 10)} | ${pad('of image', 8)} | ${pad('lazy layers', 11)} | ${pad('run wall s', 10)} | ${pad('run CPU s', 9)} |`;
const rule = `|${'-'.repeat(36)}|${'-'.repeat(8)}|${'-'.repeat(16)}|${'-'.repeat(12)}|${'-'.repeat(10)}|${'-'.repeat(13)}|${'-'.repeat(12)}|${'-'.repeat(11)}|`;
const row = (name, r) =>
  `| ${name.padEnd(34)} | ${pad(r.pull.toFixed(2), 6)} | ${pad(r.first.toFixed(2), 14)} | ${pad(mb(r.fetched), 10)} | ${pad(`${((100 * r.fetched) / r.image).toFixed(1)}%`, 8)} | ${pad(r.lazy, 11)} | ${pad(r.wall.toFixed(1), 10)} | ${pad(r.cpuSeconds.toFixed(1), 9)} |`;

const layers = meta.layers.split(' ').map(Number);
const lines = [];
lines.push(
  `Input: ${layers.length} gzip layers of this machine's files, ${layers.map(mb).join(' MB + ')} MB (${Number(meta.entries).toLocaleString('en')} entries, a ${mb(Number(meta.tar_bytes))} MB tar); the start command runs \`python3.11 -c '${meta.start_code}'\`; the prefetch list has ${meta.prefetch_files} files`,
  `Machine: ${meta.cores} cores (${meta.cpu}), kernel ${meta.kernel}; Node ${meta.node}; ${meta.containerd}; ${meta.ctr_remote}`,
  'Columns: pull = rpull returned; first output = the first line on the container stdout, from the start of the pull; fetched = bytes the registry served by then (of image = share of the compressed layers); lazy layers = layers the stargz snapshotter mounted remotely; run wall/CPU s = GNU time of the whole run (daemon start and stop included; CPU of the driver, containerd, the snapshotter and ctr).',
);

const all = Object.fromEntries(tags.map((tag) => [tag, []]));
const problems = [];
const notes = [];
for (let round = 1; round <= rounds; round += 1) {
  const load = fs.readFileSync(`${dir}/r${round}.load`, 'utf8').trim();
  lines.push('', `Round ${round} (load average before it: ${load})`, '', header, rule);
  for (const tag of tags) {
    const r = measurement(round, tag);
    all[tag].push(r);
    lines.push(row(NAMES[tag] ?? tag, r));
    const [remote, count] = r.lazy.split('/').map(Number);
    if (tag === 'plain' ? remote !== 0 : remote !== count) problems.push(`round ${round}, ${tag}: ${r.lazy} layers mounted lazily`);
    if (r.line !== 'ready') problems.push(`round ${round}, ${tag}: the first line was "${r.line}", not "ready"`);
    if (r.atExit !== r.fetched) notes.push(`round ${round}, ${tag}: ${mb(r.atExit - r.fetched)} MB more fetched after the first line, before the exit`);
  }
}
const keys = ['pull', 'first', 'fetched', 'atExit', 'image', 'wall', 'cpuSeconds'];
const med = Object.fromEntries(
  tags.map((tag) => [tag, { ...Object.fromEntries(keys.map((k) => [k, median(all[tag].map((r) => r[k]))])), lazy: all[tag][0].lazy }]),
);
lines.push('', `Median of ${rounds} round${rounds > 1 ? 's' : ''}`, '', header, rule);
for (const tag of tags) lines.push(row(NAMES[tag] ?? tag, med[tag]));

const range = (tag, key) => {
  const values = all[tag].map((r) => r[key]);
  return `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)} s`;
};
lines.push('', '| image | first output, median (range) | against plain gzip | fetched, median |', '|---|---|---|---|');
for (const tag of tags) {
  const ratio = med.plain.first / med[tag].first;
  lines.push(
    `| ${NAMES[tag] ?? tag} | ${med[tag].first.toFixed(2)} s (${range(tag, 'first')}) | ${tag === 'plain' ? '' : `${ratio.toFixed(1)}x as fast`} | ${mb(med[tag].fetched)} MB (${((100 * med[tag].fetched) / med[tag].image).toFixed(1)}%) |`,
  );
}
lines.push(
  '',
  problems.length === 0
    ? 'Checks: plain pulled whole and every eStargz layer mounted lazily; every container printed "ready".'
    : `Checks FAILED: ${problems.join('; ')}`,
);
if (notes.length > 0) lines.push(`Notes: ${notes.join('; ')}`);
console.log(lines.join('\n'));
if (problems.length > 0) process.exitCode = 1;
