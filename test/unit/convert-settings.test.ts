// A conversion setting out of range: the converter (a library) names the setting by its meaning and its option, and
// knows no input or flag; the convert command names the input, as every other input error does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliArgs } from '../../src/cli-args.js';
import { runConvert } from '../../src/commands/convert.js';
import { ConversionSettingError, convertImage } from '../../src/estargz/image.js';
import { OciLayout } from '../../src/oci/layout.js';
import { writeOneLayerImage } from '../helpers/one-layer-image.js';
import { shipFailure } from '../helpers/ship-failure.js';
import { buildTar } from '../helpers/tar-builder.js';

const work = mkdtempSync(join(tmpdir(), 'convert-settings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const source = join(work, 'source');
writeOneLayerImage(source, buildTar([{ name: 'a.txt', data: 'a' }]));

const cases = [
  {
    option: { level: 10 },
    setting: 'level',
    flag: ['compression-level', '10'],
    message: 'compression level 10 is not 0-9',
    hint: 'use a whole number from 0 (store) to 9 (smallest)',
  },
  {
    option: { chunkSize: 0 },
    setting: 'chunkSize',
    flag: ['chunk-size', '0'],
    message: 'chunk size 0 is not a positive number of bytes',
    hint: 'the default is 4194304 (4 MiB)',
  },
] as const;

describe('a conversion setting out of range', () => {
  it.each(cases)('is named by its option in the converter ($setting)', async ({ option, setting, message, hint }) => {
    const layout = await OciLayout.open(source);
    const error = await shipFailure(convertImage(layout, await layout.resolve('latest'), await OciLayout.create(join(work, `out-${setting}`)), option));
    expect(error).toBeInstanceOf(ConversionSettingError);
    expect(error).toMatchObject({ setting, message, hint, input: undefined });
  });

  it.each(cases)('is named by its input in the convert command ($flag.0)', async ({ flag, message, hint }) => {
    const positionals = [`oci:${source}`, `oci:${join(work, `cli-${flag[0]}`)}`];
    const args: CliArgs = { command: 'convert', positionals, options: { [flag[0]]: flag[1] }, inputs: {}, json: false, help: false, version: false };
    const error = await shipFailure(runConvert(args, { stdout: () => {}, stderr: () => {} }));
    expect(error).toMatchObject({ message, hint, input: flag[0] });
  });
});
