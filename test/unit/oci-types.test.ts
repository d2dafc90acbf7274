// The OCI documents' shape checks (oci/types.ts over oci/json-shape.ts), which stand in for zod schemas: what they
// accept (unknown fields kept, optional ones missing or undefined, nullish config fields null), what they refuse,
// with the path and a message naming what was expected, and zod's `parse`/`safeParse` surface.
import { describe, expect, it } from 'vitest';
import { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../../src/oci/types.js';

const digest = `sha256:${'a'.repeat(64)}`;
const descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: 3 };
const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { ...descriptor, size: 0 }, layers: [descriptor] };

/** The first issue's path and message, as the layout's errors show them. */
function refusal(
  check: { safeParse(value: unknown): { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } },
  value: unknown,
): string {
  const result = check.safeParse(value);
  expect(result.success).toBe(false);
  const issue = result.error?.issues[0];
  return `${issue?.path.map(String).join('.')}: ${issue?.message}`;
}

describe('OCI document shapes', () => {
  it('accept valid documents as they are, unknown fields included', () => {
    const withExtra = { ...manifest, subject: descriptor, annotations: { a: 'b' }, 'vnd.extra': { kept: true } };
    const parsed = ImageManifest.parse(withExtra);
    expect(parsed).toEqual(withExtra);
    expect(
      ImageIndex.parse({ schemaVersion: 2, manifests: [{ ...descriptor, platform: { architecture: 'amd64', os: 'linux', variant: undefined } }] }).manifests,
    ).toHaveLength(1);
    expect(Descriptor.safeParse({ ...descriptor, urls: ['https://x'], artifactType: 'x' }).success).toBe(true);
    expect(Platform.safeParse({ architecture: 'arm64', os: 'linux', 'os.features': ['a'] }).success).toBe(true);
    const config = {
      rootfs: { type: 'layers', diff_ids: [digest] },
      config: { Env: null, Labels: { a: 'b' }, ExposedPorts: { '80/tcp': {} } },
      history: [{ empty_layer: true }, {}],
    };
    expect(ImageConfig.parse(config)).toEqual(config);
    expect(ImageConfig.safeParse({ rootfs: { type: 'layers', diff_ids: [] }, config: null }).success).toBe(true);
  });

  it('refuse what is not the shape, naming the field and what it should be', () => {
    expect(refusal(ImageManifest, { ...manifest, schemaVersion: 1 })).toBe('schemaVersion: expected 2, got a number');
    expect(refusal(ImageManifest, { ...manifest, layers: [descriptor, { ...descriptor, digest: 'sha256:xyz' }] })).toBe(
      'layers.1.digest: must be a sha256 digest',
    );
    expect(refusal(ImageManifest, { ...manifest, layers: [{ ...descriptor, size: -1 }] })).toBe(
      'layers.0.size: expected a whole number of at least 0, got a number',
    );
    expect(refusal(ImageManifest, { ...manifest, layers: [{ ...descriptor, size: 1.5 }] })).toMatch(/^layers\.0\.size: /);
    expect(refusal(ImageManifest, { ...manifest, config: undefined })).toBe('config: expected an object, got nothing');
    expect(refusal(ImageManifest, { ...manifest, annotations: { a: 1 } })).toBe('annotations.a: expected a string, got a number');
    expect(refusal(ImageIndex, { schemaVersion: 2, manifests: {} })).toBe('manifests: expected an array, got an object');
    expect(refusal(ImageIndex, [])).toBe(': expected an object, got an array');
    expect(refusal(Descriptor, { ...descriptor, platform: { os: 'linux' } })).toBe('platform.architecture: expected a string, got nothing');
    expect(refusal(ImageConfig, { rootfs: { type: 'layers', diff_ids: [digest] }, config: { Env: 'A=1' } })).toBe(
      'config.Env: expected an array, got a string',
    );
    expect(refusal(ImageConfig, { rootfs: { type: 'other', diff_ids: [] } })).toBe('rootfs.type: expected "layers", got a string');
    expect(refusal(ImageConfig, { rootfs: { type: 'layers', diff_ids: [] }, history: [{ empty_layer: 'yes' }] })).toBe(
      'history.0.empty_layer: expected true or false',
    );
  });

  it('parse throws with the path and message; a value is never quoted', () => {
    expect(() => ImageManifest.parse({ ...manifest, mediaType: 42 })).toThrow('mediaType: expected a string, got a number');
    expect(() => ImageIndex.parse(null)).toThrow('(root): expected an object, got null');
    expect(() => ImageManifest.parse({ ...manifest, annotations: { secret: 12345 } })).not.toThrow(/12345/);
  });
});
