/** `meshagent-ship verify IMAGE`: checks every layer of an image is valid eStargz; exit 1 on any defect. */
import type { CliArgs } from '../cli-args.js';
import { ShipError } from '../errors.js';
import { type ImageVerdict, verifyImage } from '../estargz/index.js';
import { formatImageRef, openImage, parseImageRef } from '../oci/index.js';
import { processIo, type CommandIo } from './io.js';

export async function runVerify(args: CliArgs, io: CommandIo = processIo): Promise<number> {
  const [imageText, ...extra] = args.positionals;
  if (imageText === undefined || extra.length > 0)
    throw new ShipError('verify takes one argument, the image', { hint: 'meshagent-ship verify oci:./image-esgz' });
  const ref = parseImageRef(imageText);
  const image = await openImage(ref);
  try {
    const verdict = await verifyImage(image.layout, image.descriptor);
    io.stdout(args.json ? `${JSON.stringify({ image: formatImageRef(ref), ...verdict }, null, 2)}\n` : render(verdict, formatImageRef(ref)));
    return verdict.ok ? 0 : 1;
  } finally {
    await image.close();
  }
}

function render(verdict: ImageVerdict, image: string): string {
  const lines = [verdict.ok ? `${image}: every layer is valid eStargz` : `${image}: NOT valid eStargz`];
  for (const defect of verdict.defects) lines.push(`  ${defect}`);
  for (const layer of verdict.layers) {
    const where = `${layer.platform ? `${layer.platform} ` : ''}layer ${layer.index} ${layer.digest}`;
    if (layer.defects.length === 0) lines.push(`  ok   ${where} (${layer.entries ?? 0} TOC entries)`);
    else {
      lines.push(`  FAIL ${where}`);
      for (const defect of layer.defects) lines.push(`         ${defect}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
