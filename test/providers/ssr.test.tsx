// @vitest-environment node
import * as React from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { CameraGrid } from '../../src/components/CameraGrid';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';

describe('CustomTokenSessionProvider on the server', () => {
  it('renders its components to HTML without calling the generator or touching browser globals', () => {
    expect(typeof window).toBe('undefined');
    const generator = vi.fn(() => new Promise<never>(() => {}));
    const html = renderToString(
      <React.StrictMode>
        <CustomTokenSessionProvider generator={generator} roomName="standup" connect>
          <ConnectButton />
          <AgentStatusIndicator />
          <TokenStatusView />
          <CameraGrid empty={<p>No cameras yet</p>} />
          <ErrorNotice />
        </CustomTokenSessionProvider>
      </React.StrictMode>,
    );
    expect(html).toContain('data-state="disconnected"');
    expect(html).toContain('>Connect</button>');
    expect(html).toContain('role="status"');
    expect(html).toContain('Token idle');
    expect(html).toContain('No cameras yet');
    expect(html).not.toContain('role="alert"');
    expect(html).not.toContain('<time');
    expect(generator).not.toHaveBeenCalled();
  });
});
