// The teardown command's own options and its reading of image references: what it removes is decided here.
import { describe, expect, it } from 'vitest';
import { teardownOptions } from '../../src/commands/teardown.js';
import { projectRepositoryOf } from '../../src/commands/teardown-tags.js';

describe('teardown options', () => {
  it('needs a room, naming the input', () => {
    expect(() => teardownOptions({})).toThrow(expect.objectContaining({ input: 'room' }));
    expect(() => teardownOptions({ room: '  ' })).toThrow('teardown needs --room');
  });

  it('reads services as a comma or line list, and --tags as a switch', () => {
    expect(teardownOptions({ room: 'pr-3', services: 'web, api\n', tags: 'true', tag: ' pr-3 ' })).toEqual({
      room: 'pr-3',
      services: ['web', 'api'],
      tags: true,
      tag: 'pr-3',
    });
    expect(teardownOptions({ room: 'pr-3', services: ' , ', tags: 'false' })).toEqual({ room: 'pr-3', tags: false });
  });
});

describe('the project repository of a service image', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  it('is the path after the project key, for a pinned or a tagged image', () => {
    expect(projectRepositoryOf(`127.0.0.1:5000/acme/web@${digest}`, '127.0.0.1:5000', 'acme')).toBe('web');
    expect(projectRepositoryOf('127.0.0.1:5000/acme/team/web:pr-4', '127.0.0.1:5000', 'acme')).toBe('team/web');
  });

  it('is none for an image of another registry or project: never this tool to delete', () => {
    expect(projectRepositoryOf(`docker.io/acme/web@${digest}`, '127.0.0.1:5000', 'acme')).toBeUndefined();
    expect(projectRepositoryOf('127.0.0.1:5000/other/web:1', '127.0.0.1:5000', 'acme')).toBeUndefined();
    expect(projectRepositoryOf('127.0.0.1:5000/acme/', '127.0.0.1:5000', 'acme')).toBeUndefined();
    expect(projectRepositoryOf('127.0.0.1:5000/acmeweb:1', '127.0.0.1:5000', 'acme')).toBeUndefined();
  });
});
