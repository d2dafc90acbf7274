// The client of the commands that reach MeshAgent outside a ship (teardown, services --deployed): the key is
// checked as the ship's api-key input is, before any request.
import { describe, expect, it } from 'vitest';
import { apiClient, apiUrlOf } from '../../src/commands/api-client.js';
import { ShipError } from '../../src/errors.js';
import { API_KEY } from '../fixtures.js';

describe('apiClient', () => {
  it('refuses a key with a line break, naming api-key and never showing the key', () => {
    let error: unknown;
    try {
      apiClient({ command: 'teardown', mask: () => {} }, { MESHAGENT_API_KEY: `${API_KEY.slice(0, 30)}\n${API_KEY.slice(30)}` });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ShipError);
    expect(error).toMatchObject({
      input: 'api-key',
      message: 'api-key holds a line break, a space or a character that is not printable ASCII, which no API key has',
    });
    expect(String((error as ShipError).message)).not.toContain(API_KEY.slice(5, 25));
  });

  it('takes a key of printable ASCII', async () => {
    const client = apiClient({ command: 'teardown', apiUrl: 'http://127.0.0.1:9', mask: () => {} }, { MESHAGENT_API_KEY: ` ${API_KEY}\n` });
    await client.close();
  });

  it('checks MESHAGENT_API_URL as the ship checks its api-url input: credentials refused and never shown, no query', () => {
    const thrown = (env: Record<string, string>) => {
      try {
        apiUrlOf({}, env);
      } catch (error) {
        return error as ShipError;
      }
      return undefined;
    };
    const withCredentials = thrown({ MESHAGENT_API_URL: 'https://user:s3cret-pass@api.example.com' });
    expect(withCredentials).toMatchObject({
      input: 'api-url',
      message: 'api-url: "https://***@api.example.com" holds a user name or password: the API takes the api-key only',
    });
    expect(JSON.stringify(withCredentials)).not.toContain('s3cret');
    expect(thrown({ MESHAGENT_API_URL: 'https://api.example.com/?project=1' })?.message).toMatch(/has a query or fragment/);
    expect(thrown({ MESHAGENT_API_URL: 'ftp://api.example.com' })?.message).toMatch(/is not an http\(s\) URL/);
    expect(thrown({ MESHAGENT_API_URL: 'http://api.example.com' })?.message).toMatch(/plain http to a host that is not loopback/);
    expect(apiUrlOf({ apiUrl: ' http://127.0.0.1:8080/ ' }, {})).toBe('http://127.0.0.1:8080');
  });
});
