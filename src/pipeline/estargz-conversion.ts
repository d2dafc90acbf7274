/**
 * The converter as this application runs it, from the convert stage and the convert command alike: every converted
 * layer records where it came from under this tool's annotations (so a later ship can reuse it), and a setting out
 * of range is named by its input, which the action and the command line spell the same.
 */
import { ShipError } from '../errors.js';
import { ConversionSettingError, convertImage, type ConvertImageOptions, type ImageConversion } from '../estargz/index.js';
import type { Descriptor, OciLayout } from '../oci/index.js';
import { ShipAnnotation } from './annotations.js';

const INPUT_OF: Readonly<Record<ConversionSettingError['setting'], string>> = { level: 'compression-level', chunkSize: 'chunk-size' };

export async function convertImageForShip(
  source: OciLayout,
  top: Descriptor,
  out: OciLayout,
  options: Omit<ConvertImageOptions, 'provenance'> = {},
): Promise<ImageConversion> {
  try {
    return await convertImage(source, top, out, { ...options, provenance: ShipAnnotation });
  } catch (error) {
    if (error instanceof ConversionSettingError)
      throw new ShipError(error.message, { input: INPUT_OF[error.setting], ...(error.hint ? { hint: error.hint } : {}), cause: error });
    throw error;
  }
}
