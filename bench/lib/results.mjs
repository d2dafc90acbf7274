// Reading what a benchmark's run.sh left in its results directory, for its report.mjs: the `meta` file (KEY=VALUE
// lines) and what GNU time (`/usr/bin/time -v`) measured of one run.
import fs from 'node:fs';

/** The KEY=VALUE lines of DIR/meta. */
export function readMeta(dir) {
  return Object.fromEntries(
    fs
      .readFileSync(`${dir}/meta`, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** Wall seconds, CPU seconds and share, and peak RSS in MiB, from a GNU time report file. */ export function gnuTime(file) {
  const text = fs.readFileSync(file, 'utf8');
  const field = (label) => {
    const match = new RegExp(`${label}: (.*)`).exec(text);
    if (!match) throw new Error(`${file} has no "${label}"`);
    return match[1].trim();
  };
  const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')
    .split(':')
    .reduce((seconds, part) => seconds * 60 + Number(part), 0);
  const cpuSeconds = Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'));
  return { wall, cpu: cpuSeconds / wall, cpuSeconds, rssMb: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024 };
}
