// One parser of `oci:DIR[:REF]`: the push and pull commands' locations read an OCI layout reference exactly as the
// convert and verify commands and the image input do (oci/image-ref.ts), where two parsers used to disagree.
import { describe, expect, it } from 'vitest';
import { parseLocation } from '../../src/image-location.js';
import { ShipError } from '../../src/errors.js';
import { parseImageRef } from '../../src/oci/index.js';

const outcome = (parse: () => unknown) => {
  try {
    return { value: parse() };
  } catch (error) {
    expect(error).toBeInstanceOf(ShipError);
    return { error: (error as ShipError).message };
  }
};

describe('oci: locations', () => {
  it.each(['oci:/tmp/x:latest', 'oci:/tmp/x', 'oci:rel/dir:v1', 'oci:/tmp/a:b/layout', 'oci:C:/x', 'oci:/tmp/x:', 'oci:', 'oci::v1'])(
    'read %s as the image reference parser does',
    (text) => {
      const reference = outcome(() => parseImageRef(text));
      const location = outcome(() => parseLocation(text, 'push source'));
      if ('error' in reference) expect(location).toEqual({ error: `push source: ${reference.error}` });
      else {
        const { path, ref } = reference.value as { path: string; ref: string | undefined };
        expect(location).toEqual({ value: { kind: 'oci', dir: path, ref } });
      }
    },
  );

  it('refuse an empty reference after the last colon, and a missing path', () => {
    expect(() => parseLocation('oci:/tmp/x:', 'pull destination')).toThrow('pull destination: "oci:/tmp/x:" has an empty reference after the last colon');
    expect(() => parseLocation('oci:', 'pull destination')).toThrow('pull destination: "oci:" names no path');
  });
});
