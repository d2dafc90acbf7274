import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import {
  DEFAULT_REGISTRY_HOST,
  checkProjectKey,
  deriveServiceName,
  formatImageTag,
  normalizeProjectTag,
  pagesDomainFromConfig,
  parseImageReference,
  parseImageTag,
  projectRegistryFromConfig,
  splitProjectRepository,
  tagNeedsNormalization,
} from '../../src/reference.js';
import { pyIsDigit, pyStrip } from '../../src/python-text.js';

const REG = 'registry.meshagent.com';

function errorOf(fn: () => unknown): ShipError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ShipError);
    return error as ShipError;
  }
  throw new Error('expected a ShipError');
}

describe('parseImageTag: the CLI parse rules and texts', () => {
  it.each([
    ['', '--tag cannot be empty'],
    ['   ', '--tag cannot be empty'],
    ['app@sha256:abc', '--tag must be an OCI image reference without a digest'],
    ['app:', 'invalid OCI image tag: app:'],
    ['app:-x', 'invalid OCI image tag: app:-x'],
    [`app:${'a'.repeat(129)}`, `invalid OCI image tag: app:${'a'.repeat(129)}`],
    [':1', 'invalid OCI image reference: :1'],
    ['a//b:1', 'invalid OCI image reference: a//b:1'],
    ['/app:1', 'invalid OCI image reference: /app:1'],
    ['app/:1', 'invalid OCI image reference: app/:1'],
    ['registry.meshagent.com', 'missing repository name in OCI image reference: registry.meshagent.com'],
    ['localhost', 'missing repository name in OCI image reference: localhost'],
    ['Registry.meshagent.com/k/app:1', 'invalid OCI image registry: Registry.meshagent.com/k/app:1'],
    ['-reg.io/k/app:1', 'invalid OCI image registry: -reg.io/k/app:1'],
    ['reg..io/k/app:1', 'invalid OCI image registry: reg..io/k/app:1'],
    ['reg.io:/k/app:1', 'invalid OCI image registry port: reg.io:/k/app:1'],
    ['reg.io:5x/k/app:1', 'invalid OCI image registry port: reg.io:5x/k/app:1'],
    ['registry.meshagent.com/Bad/Name:1', 'invalid OCI image repository: registry.meshagent.com/Bad/Name:1'],
    ['Bad/Name:latest', 'invalid OCI image repository: Bad/Name:latest'],
    ['key/app-:1', 'invalid OCI image repository: key/app-:1'],
    ['key/a___b:1', 'invalid OCI image repository: key/a___b:1'],
  ])('rejects %j with %j', (input, message) => {
    const error = errorOf(() => parseImageTag(input));
    expect(error.message).toBe(message);
    expect(error.hint).toMatch(/<registry>\/<project-key>\/<repository>:<tag>/);
  });

  it('names the option as it is called', () => {
    expect(errorOf(() => parseImageTag('', 'tag')).message).toBe('tag cannot be empty');
    expect(errorOf(() => parseImageTag('a@b', 'image')).input).toBe('image');
  });

  it('caps the whole name, registry included, at 255 characters, as registries do', () => {
    const at = (length: number, registry = 'reg.io') => `${registry}/key/${'a'.repeat(length - registry.length - 5)}:1`;
    expect(parseImageTag(at(255)).repository).toHaveLength(248);
    const error = errorOf(() => parseImageTag(at(256), 'tag'));
    expect(error.message).toMatch(/^repository name must not be more than 255 characters \(it has 256\): "reg\.io\/key\/a+\.\.\."$/);
    expect(error.input).toBe('tag');
    // A shorthand tag within the limit may pass it once the registry and project key are put in front.
    const short = parseImageTag(`${'a'.repeat(240)}:1`);
    expect(() => normalizeProjectTag(short, REG, 'project-key')).toThrow(/more than 255 characters/);
  });

  it.each([
    ['app', { registry: undefined, repository: 'app', tag: undefined }],
    ['app:1', { registry: undefined, repository: 'app', tag: '1' }],
    ['  key/app:v1.2_3-rc  ', { registry: undefined, repository: 'key/app', tag: 'v1.2_3-rc' }],
    ['registry.meshagent.com/key/app:1', { registry: REG, repository: 'key/app', tag: '1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: undefined }],
    ['localhost:5000/a/b/c', { registry: 'localhost:5000', repository: 'a/b/c', tag: undefined }],
    ['127.0.0.1:5000/key/app:1', { registry: '127.0.0.1:5000', repository: 'key/app', tag: '1' }],
    ['reg.io/a.b/c__d/e--f:x', { registry: 'reg.io', repository: 'a.b/c__d/e--f', tag: 'x' }],
  ])('parses %j', (input, expected) => {
    expect(parseImageTag(input)).toEqual({ value: input.trim(), ...expected });
  });
});

describe('parseImageReference', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  it('accepts a digest after the name', () => {
    expect(parseImageReference(`reg.io/key/app:1@${digest}`, 'image')).toMatchObject({ registry: 'reg.io', repository: 'key/app', tag: '1', digest });
    expect(parseImageReference('reg.io/key/app:1', 'image').digest).toBeUndefined();
  });
  it('rejects a malformed digest', () => {
    expect(errorOf(() => parseImageReference('app@sha256:xyz', 'image')).message).toBe('invalid OCI image digest: app@sha256:xyz');
  });
  it('refuses a user name and password before the host, without showing them', () => {
    for (const input of ['ci:s3cret-pw@reg.io/key/app:1', 'ci@reg.io:5000/app']) {
      const error = errorOf(() => parseImageReference(input, 'image'));
      expect(error.message).toBe('a registry reference holds no user name or password (user@ before the host)');
      expect(error.hint).toContain('MESHAGENT_SHIP_REGISTRY_USER');
      expect(`${error.message} ${error.hint}`).not.toContain('s3cret');
    }
  });
});

describe('project registry rules', () => {
  it('normalizes shorthand as the CLI does', () => {
    const cases: [string, string, string][] = [
      [REG, 'website:1', `${REG}/powerboards/website:1`],
      [REG, 'powerboards/website:1', `${REG}/powerboards/website:1`],
      ['room.meshagent.com', 'room.meshagent.com/website-node:noopt', 'room.meshagent.com/powerboards/website-node:noopt'],
      [REG, 'ghcr.io/example/app:1', 'ghcr.io/example/app:1'],
      [REG, `${REG}/powerboards/website:1`, `${REG}/powerboards/website:1`],
    ];
    for (const [registry, tag, expected] of cases) {
      expect(normalizeProjectTag(parseImageTag(tag), registry, 'powerboards').value).toBe(expected);
    }
  });

  it('knows when normalization needs the project', () => {
    expect(tagNeedsNormalization(parseImageTag('app:1'), REG)).toBe(true);
    expect(tagNeedsNormalization(parseImageTag(`${REG}/app:1`), REG)).toBe(true);
    expect(tagNeedsNormalization(parseImageTag(`${REG}/k/app:1`), REG)).toBe(false);
    expect(tagNeedsNormalization(parseImageTag('ghcr.io/app:1'), REG)).toBe(false);
  });

  it('requires the project registry, a key and a repository', () => {
    expect(errorOf(() => splitProjectRepository(parseImageTag('ghcr.io/example/app:1'), REG)).message).toBe(
      `PATH requires --tag to use ${REG}/<project-key>/<repository>:<tag>`,
    );
    expect(errorOf(() => splitProjectRepository(parseImageTag(`${REG}/app:1`), REG)).message).toBe(
      `room image tags must be in the form ${REG}/<project-key>/<repository>:<tag>`,
    );
    expect(errorOf(() => splitProjectRepository(parseImageTag(`${REG}/my_key/app:1`), REG)).message).toBe(
      `room image tags must use a valid project key after ${REG}/`,
    );
    expect(splitProjectRepository(parseImageTag(`${REG}/powerboards/website-node:latest`), REG)).toEqual({
      projectKey: 'powerboards',
      repositoryName: 'website-node',
    });
    expect(splitProjectRepository(parseImageTag(`${REG}/k/team/app:1`), REG).repositoryName).toBe('team/app');
  });

  it('checks the key against the project', () => {
    const tag = parseImageTag(`${REG}/other/app:1`);
    expect(errorOf(() => checkProjectKey(tag, REG, 'powerboards')).message).toBe(
      `the image tag project key does not match the selected project: expected ${REG}/powerboards/..., got ${REG}/other/...`,
    );
    expect(errorOf(() => checkProjectKey(tag, REG, null)).message).toContain(`expected ${REG}/None/...`);
    expect(checkProjectKey(parseImageTag(`${REG}/powerboards/app:1`), REG, 'powerboards').repositoryName).toBe('app');
  });

  it('derives the service name with the key included', () => {
    expect(deriveServiceName(parseImageTag(`${REG}/powerboards/test:latest`))).toBe('powerboards-test');
    expect(deriveServiceName(parseImageTag('repo/web:1'))).toBe('repo-web');
  });

  it('finds the registry host like the CLI', () => {
    expect(projectRegistryFromConfig({ registry: ' registry.meshagent.life ' }, undefined)).toBe('registry.meshagent.life');
    expect(projectRegistryFromConfig({ registry: '', api: 'api.meshagent.life' }, undefined)).toBe('registry.meshagent.life');
    expect(projectRegistryFromConfig({ api: 'http://api.local:8080' }, undefined)).toBe('registry.local:8080');
    expect(projectRegistryFromConfig({ api: 'studio.x.io' }, 'https://api.example.dev')).toBe('registry.example.dev');
    expect(projectRegistryFromConfig({}, 'http://127.0.0.1:8080')).toBe(DEFAULT_REGISTRY_HOST);
    expect(pagesDomainFromConfig({ pages: '.Pages.Example.com' })).toBe('pages.example.com');
    expect(pagesDomainFromConfig({ pages: null })).toBe('meshagent.app');
  });
});

describe("Python's whitespace and digits, as the CLI's str.strip() and str.isdigit() see them", () => {
  it('strips what str.strip() strips and nothing else', () => {
    // U+0085 (NEL) and U+001C-U+001F are whitespace to Python, not to String.prototype.trim.
    expect(parseImageTag('\u0085app:1\u001f').value).toBe('app:1');
    expect(parseImageTag('\u2003app:1\u3000').value).toBe('app:1');
    // U+FEFF is whitespace to trim(), not to Python: it stays, and the repository is invalid.
    expect(errorOf(() => parseImageTag('\ufeffapp:1')).message).toBe('invalid OCI image repository: "\\ufeffapp:1"');
    expect(pyStrip('\ufeff x \u0085')).toBe('\ufeff x');
  });

  it('takes a registry port of any digits str.isdigit() accepts', () => {
    // Fullwidth and Arabic-Indic digits are decimal digits; superscripts and circled digits are digits too.
    expect(parseImageTag('localhost:\uff15\uff10\uff10\uff10/app:1').registry).toBe('localhost:\uff15\uff10\uff10\uff10');
    expect(parseImageTag('localhost:\u0665\u00b2/app').registry).toBe('localhost:\u0665\u00b2');
    expect(errorOf(() => parseImageTag('localhost:5x/app:1')).message).toBe('invalid OCI image registry port: localhost:5x/app:1');
    expect(errorOf(() => parseImageTag('localhost:/app:1')).message).toBe('invalid OCI image registry port: localhost:/app:1');
    // Roman numerals are numeric but not digits; digits newer than Python 3.13's Unicode 15.1 are not digits there.
    expect(pyIsDigit('\u2163')).toBe(false);
    expect(pyIsDigit(String.fromCodePoint(0x1ccf0))).toBe(false);
    expect(pyIsDigit('\u2460\u24ea\u1369')).toBe(true);
    expect(pyIsDigit('')).toBe(false);
  });

  it("refuses a shorthand tag for a project without a key with the CLI's words", () => {
    // The CLI formats Python's None into the tag, then parses it again.
    expect(errorOf(() => normalizeProjectTag(parseImageTag('website:1'), REG, 'None')).message).toBe(`invalid OCI image repository: ${REG}/None/website:1`);
  });

  it('derives the registry from the API domain with the port it names, a default port included', () => {
    expect(projectRegistryFromConfig({ api: 'https://api.example.com:443' }, undefined)).toBe('registry.example.com:443');
    expect(projectRegistryFromConfig({ api: 'api.example.com:0443' }, undefined)).toBe('registry.example.com:443');
    expect(projectRegistryFromConfig({ registry: '\u0085 ' }, 'http://api.local')).toBe('registry.local');
    // removeprefix('.') drops one leading dot, not all.
    expect(pagesDomainFromConfig({ pages: '..pages.example.com' })).toBe('.pages.example.com');
  });
});

// ------------------------------------------------------------------------------------------------------------------
// Properties

const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:(?:[._]|__|-{1,2})[a-z0-9]{1,6}){0,2}$/);
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const registry = fc
  .tuple(fc.array(label, { minLength: 2, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([labels, port]) => `${labels.join('.')}${port === undefined ? '' : `:${port}`}`);
const tagSuffix = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const validTag = fc
  .record({
    registry: fc.option(registry, { nil: undefined }),
    repository: fc.array(component, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')),
    tag: fc.option(tagSuffix, { nil: undefined }),
  })
  .filter(({ registry: r, repository }) => r !== undefined || (!/[.:]/.test(repository.split('/')[0] ?? '') && repository.split('/')[0] !== 'localhost'));

describe('parseImageTag properties', () => {
  it('throws nothing but ShipError, whatever the input', () => {
    const alphabet = fc.constantFrom(...'aZ09._-/:@ \t'.split(''), 'é', '\u0000');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 40 })), (input) => {
        try {
          parseImageTag(input);
          parseImageReference(input, 'image');
        } catch (error) {
          if (!(error instanceof ShipError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips: format(parse(s)) is s, and parse(format(t)) is t', () => {
    fc.assert(
      fc.property(validTag, (tag) => {
        const text = formatImageTag(tag);
        const parsed = parseImageTag(text);
        expect(parsed).toEqual({ value: text, ...tag });
        expect(formatImageTag(parsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('normalization is idempotent and lands in the project registry with a valid key', () => {
    const key = fc.stringMatching(/^[a-z0-9]{1,6}(?:-[a-z0-9]{1,6}){0,2}$/);
    fc.assert(
      fc.property(validTag, key, (tag, projectKey) => {
        const once = normalizeProjectTag(parseImageTag(formatImageTag(tag)), REG, projectKey);
        expect(normalizeProjectTag(once, REG, projectKey)).toEqual(once);
        if (tag.registry === undefined) {
          expect(once.registry).toBe(REG);
          expect(once.repository.split('/').length).toBeGreaterThanOrEqual(2);
          expect(deriveServiceName(once)).not.toContain('/');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
