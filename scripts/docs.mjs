// Regenerates the README's input and output tables from action.yml (between the inputs/outputs markers).
// usage: node scripts/docs.mjs         rewrite README.md
//        node scripts/docs.mjs --check exit 1 when README.md is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const action = parse(readFileSync('action.yml', 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .trim();

export function inputsTable() {
  const rows = Object.entries(action.inputs).map(([name, input]) => {
    const def = input.default === undefined ? '' : `\`${input.default}\``;
    return `| \`${name}\` | ${input.required ? 'yes' : ''} | ${def} | ${cell(input.description)} |`;
  });
  return ['| input | required | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable() {
  const rows = Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`);
  return ['| output | description |', '| --- | --- |', ...rows].join('\n');
}

function replaceBetween(text, marker, body) {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

const readme = readFileSync('README.md', 'utf8');
const fresh = replaceBetween(replaceBetween(readme, 'inputs', inputsTable()), 'outputs', outputsTable());
if (process.argv.includes('--check')) {
  if (fresh !== readme) {
    console.error('README.md tables differ from action.yml: run node scripts/docs.mjs');
    process.exit(1);
  }
} else if (fresh !== readme) {
  writeFileSync('README.md', fresh);
  console.log('README.md tables updated');
}
