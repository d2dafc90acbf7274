/**
 * eStargz: converting an image's layers to eStargz (TOC, chunks, prefetch landmarks), reading a layer's TOC by
 * random access, and verifying a converted image. What the rest of src/ uses of estargz/, and only that.
 */
export {
  ConversionSettingError,
  convertImage,
  type ConvertImageOptions,
  type ImageConversion,
  type LayerEvent,
  type LayerReuse,
  type ReusedLayer,
} from './image.js';
export type { LayerListing } from './layer-facts.js';
export { describeMiss } from './prefetch.js';
export { lazyPull, readToc, readTocListing, type BlobReader } from './read-toc.js';
export { checkImageParts } from './source-layer.js';
export { DEFAULT_ESTARGZ_CHUNK_SIZE } from './toc.js';
export { verifyImage, type CheckedElsewhere, type ImageVerdict } from './verify.js';
