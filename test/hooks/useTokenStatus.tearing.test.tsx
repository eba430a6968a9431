import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    /** What every commit showed, read in the layout effects of each reader it changed. */
    const committed: string[][] = [];
    let arriving = false;
    function Reader({ index, round }: { index: number; round: number }) {
      const { status, identity } = useTokenStatus(source);
      rendered.push(`${status} ${identity}`);
      // The token arrives while React yields after the transition's second reader (the Slow after it takes 8 ms).
      if (round === 1 && index === 1 && !arriving) {
        arriving = true;
        setTimeout(() => {
          rendered.push('token arrives');
          answer();
        });
      }
      React.useLayoutEffect(() => {
        committed.push(Array.from(container.querySelectorAll('output'), (output) => output.textContent ?? ''));
      });
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
          <Reader index={index} round={round} />
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
    await vi.waitFor(() => expect(container.querySelector('output')?.textContent).toBe('fetching undefined'), { timeout: 5_000 });
    rendered.length = 0;
    committed.length = 0;
    React.startTransition(() => setRound(1));
    await fetched;
    const shown = () => Array.from(container.querySelectorAll('output'), (output) => output.textContent);
    await vi.waitFor(() => expect(shown()).toEqual(Array(6).fill('ready ada')), { timeout: 5_000 });

    // The token came inside the transition's render, and no commit showed the readers half old, half new.
    expect(rendered.indexOf('token arrives')).toBeGreaterThan(1);
    expect(committed.length).toBeGreaterThan(0);
    for (const outputs of committed) expect(new Set(outputs).size, outputs.join(' | ')).toBe(1);
    root.unmount();
  });
});
