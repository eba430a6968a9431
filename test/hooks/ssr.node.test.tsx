// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import type { TokenResponse } from '../../src/core/types';
import { mintToken, SERVER_URL } from '../helpers/tokens';

function TokenBadge({ initial }: { initial?: TokenResponse }) {
  const source = useCustomTokenSource(
    async () => {
      throw new Error('the server render must not call the generator');
    },
    initial ? { initialToken: { options: { roomName: 'A' }, response: initial } } : {},
  );
  const { status, identity, room } = useTokenStatus(source);
  return <output data-status={status}>{identity ? `${identity}@${room}` : 'no token'}</output>;
}

describe('server rendering', () => {
  it('renders the idle status without touching browser globals or the generator', () => {
    expect(typeof window).toBe('undefined');
    expect(renderToString(<TokenBadge />)).toBe('<output data-status="idle">no token</output>');
  });

  it('renders the status of an initial token minted during the server render', async () => {
    const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'ada', room: 'A' }) };
    expect(renderToString(<TokenBadge initial={initial} />)).toBe('<output data-status="ready">ada@A</output>');
  });
});
