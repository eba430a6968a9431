import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenResponse } from '../../src/core/types';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { mintToken, SERVER_URL } from '../helpers/tokens';

const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

afterEach(() => {
  actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
});

describe('useTokenStatus in a concurrent render', () => {
  it('every reader of one render shows the same snapshot when the token arrives while React yields between them', async () => {
    // React's own scheduler, which yields to the event loop every few milliseconds (act() would not).
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
    const participantToken = await mintToken({ identity: 'ada', room: 'standup' });
    let answer!: () => void;
    const source = createCustomTokenSource(
      () => new Promise<TokenResponse>((resolve) => (answer = () => resolve({ serverUrl: SERVER_URL, participantToken }))),
    );
    const rendered: string[] = [];
    function Reader() {
      const { status, identity } = useTokenStatus(source);
      rendered.push(`${status} ${identity}`);
      return <output>{`${status} ${identity}`}</output>;
    }
    /** Long enough for React to yield after it. */
    function Slow() {
      const until = performance.now() + 8;
      while (performance.now() < until);
      return null;
    }
    let setRound!: (round: number) => void;
    function Page() {
      const [round, set] = React.useState(0);
      setRound = set;
      return Array.from({ length: 6 }, (_, index) => (
        <React.Fragment key={index}>
          <Reader />
          <Slow />
          <i>{round}</i>
        </React.Fragment>
      ));
    }
    const container = document.createElement('div');
    const root = createRoot(container);
    root.render(<Page />);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fetched = source.fetch({ roomName: 'standup' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    rendered.length = 0;
    // The token arrives about two readers into the transition's render.
    setTimeout(() => {
      rendered.push('token arrives');
      answer();
    }, 12);
    React.startTransition(() => setRound(1));
    await fetched;
    await new Promise((resolve) => setTimeout(resolve, 300));

    // The render the token interrupted was not committed half old, half new.
    expect(rendered.indexOf('token arrives')).toBeGreaterThan(0);
    const shown = Array.from(container.querySelectorAll('output'), (output) => output.textContent);
    expect(shown).toEqual(Array(6).fill('ready ada'));
    root.unmount();
  });
});
