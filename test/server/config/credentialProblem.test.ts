// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { credentialProblem } from '../../../src/server/config/credentialProblem';

describe('credentialProblem', () => {
  it('finds nothing wrong with a non-empty key and secret', () => {
    expect(credentialProblem('apiKey', 'devkey')).toBeUndefined();
    expect(credentialProblem('apiSecret', 'secret with spaces')).toBeUndefined();
  });

  it.each([
    ['a trailing newline', 'secret\n'],
    ['a leading space', ' secret'],
    ['a byte order mark', '\uFEFFsecret'],
  ])('refuses a key or secret with %s, which LiveKit’s server (reading YAML) would not have, without showing it', (_, value) => {
    for (const option of ['apiKey', 'apiSecret'] as const) {
      const problem = credentialProblem(option, value);
      expect(problem).toMatch(new RegExp(`^\`${option}\` has whitespace at its start or end .*refused at join`));
      expect(problem).not.toContain('secret\n');
    }
  });

  it('leaves whitespace around a server URL to the URL check (a URL parser drops a trailing newline)', () => {
    expect(credentialProblem('serverUrl', 'wss://project.livekit.cloud\n')).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['only whitespace', ' \t\n'],
    ['a number', 42],
    ['null', null],
    ['an object', { key: 'devkey' }],
  ])('refuses %s, naming the option', (_, value) => {
    expect(credentialProblem('apiKey', value)).toBe('`apiKey` must be a non-empty string.');
    expect(credentialProblem('apiSecret', value)).toBe('`apiSecret` must be a non-empty string.');
    expect(credentialProblem('serverUrl', value)).toBe('`serverUrl` must be a non-empty string.');
  });

  it.each(['wss://project.livekit.cloud', 'ws://127.0.0.1:7880', 'https://project.livekit.cloud', 'http://localhost:7880'])(
    'accepts the server URL %s',
    (url) => {
      expect(credentialProblem('serverUrl', url)).toBeUndefined();
    },
  );

  it.each([
    ['without a scheme', 'localhost:7880'],
    ['with another scheme', 'ftp://livekit.example'],
    ['without a host', 'wss:///rtc'],
    ['pasted with its variable name', 'LIVEKIT_URL=wss://project.livekit.cloud'],
    ['with a space before it', ' wss://project.livekit.cloud'],
  ])('refuses a server URL %s, showing it and the schemes allowed', (_, url) => {
    expect(credentialProblem('serverUrl', url)).toBe(`\`serverUrl\` must be a wss://, ws://, https:// or http:// URL, got "${url}".`);
  });

  it.each([
    ['an API secret (the variables swapped)', 'Wq8hT2kLmZpR4vXcYb7NdFgJs3AeUiOo5nHt6yKr1Q'],
    ['an API key', 'APIa7Bc9dEf2gH'],
  ])('never shows a server URL that looks like no address at all, %s: it may be a credential in the wrong place', (_, value) => {
    const problem = credentialProblem('serverUrl', value);
    expect(problem).toBe(
      `\`serverUrl\` must be a wss://, ws://, https:// or http:// URL, got ${value.length} characters with no "." or ":" (not shown: it may be a secret set in the wrong place).`,
    );
    expect(problem).not.toContain(value);
  });

  it('does not read a key or secret as a URL', () => {
    expect(credentialProblem('apiKey', 'localhost:7880')).toBeUndefined();
    expect(credentialProblem('apiSecret', 'not-a-url')).toBeUndefined();
  });
});
