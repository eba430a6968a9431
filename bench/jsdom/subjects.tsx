import { SessionProvider, useSession } from '@livekit/components-react';
import { decodeTokenPayload, TokenSource, type Room, type TokenSourceConfigurable } from 'livekit-client';
import * as React from 'react';
import type { TokenFetchOptions, TokenRequest, TokenResponse } from '../../src/core/types';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useSessionActions } from '../../src/hooks/useSessionActions';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';

/** The app's generator as both APIs call it: ours with a context, LiveKit's without. */
export type BenchGenerator = (request: TokenRequest) => Promise<TokenResponse>;

/** What each way of wiring a session exposes to the scenario driving it. */
export interface SessionHandle {
  start: () => Promise<void>;
  end: () => Promise<void>;
}

export interface SubjectProps {
  generator: BenchGenerator;
  /** Called on every render: returning a new object literal models inline options. */
  options: () => TokenFetchOptions;
  room: Room;
  /** How many components read the token's status. */
  readers: number;
  onHandle: (handle: SessionHandle) => void;
}

/** A way of wiring an app's own generator into a LiveKit session, as a user would write it. */
export interface Subject {
  name: string;
  Component: (props: SubjectProps) => React.ReactElement;
}

function times(count: number, render: (index: number) => React.ReactElement) {
  return Array.from({ length: count }, (_, index) => render(index));
}

function OursTokenReader({ source }: { source?: Parameters<typeof useTokenStatus>[0] }) {
  useTokenStatus(source);
  return null;
}

/** Ours, the hook: `useCustomTokenSource` (inline generator) + LiveKit's `useSession`. */
function OursHook({ generator, options, room, readers, onHandle }: SubjectProps) {
  const source = useCustomTokenSource((request) => generator(request));
  const session = useSession(source, { ...options(), room });
  onHandle({ start: () => session.start({ tracks: {} }), end: session.end });
  return (
    <>
      {times(readers, (index) => (
        <OursTokenReader key={index} source={source} />
      ))}
    </>
  );
}

function ProviderActions({ onHandle }: Pick<SubjectProps, 'onHandle'>) {
  const { start, end } = useSessionActions();
  onHandle({ start, end });
  return null;
}

/** Ours, the provider: `CustomTokenSessionProvider` (inline generator and options). */
function OursProvider({ generator, options, room, readers, onHandle }: SubjectProps) {
  return (
    <CustomTokenSessionProvider generator={(request) => generator(request)} {...options()} room={room} microphone={false}>
      <ProviderActions onHandle={onHandle} />
      {times(readers, (index) => (
        <OursTokenReader key={index} />
      ))}
    </CustomTokenSessionProvider>
  );
}

/** LiveKit exposes no token status: a reader fetches from the source and decodes the JWT itself. */
function LiveKitTokenReader({ source, options }: { source: TokenSourceConfigurable; options: TokenFetchOptions }) {
  const [, setIdentity] = React.useState<string>();
  React.useEffect(() => {
    void source.fetch(options).then(({ participantToken }) => setIdentity(decodeTokenPayload(participantToken).sub));
    // Once per mount, as a reader of "the current token" would.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source]);
  return null;
}

/** The baseline: `TokenSource.custom` in `useMemo` (as LiveKit's docs show) + `useSession` + `SessionProvider`. */
function LiveKitMemo({ generator, options, room, readers, onHandle }: SubjectProps) {
  // The baseline as LiveKit's docs write it: one source per mount, whatever generator comes later.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const source = React.useMemo(() => TokenSource.custom((fetchOptions) => generator(fetchOptions)), []);
  const fetchOptions = options();
  const session = useSession(source, { ...fetchOptions, room });
  onHandle({ start: () => session.start({ tracks: {} }), end: session.end });
  return (
    <SessionProvider session={session}>
      {times(readers, (index) => (
        <LiveKitTokenReader key={index} source={source} options={fetchOptions} />
      ))}
    </SessionProvider>
  );
}

export const ours: Subject[] = [
  { name: 'ours: useCustomTokenSource + useSession', Component: OursHook },
  { name: 'ours: CustomTokenSessionProvider', Component: OursProvider },
];
export const baseline: Subject = { name: 'LiveKit: useMemo(TokenSource.custom) + useSession', Component: LiveKitMemo };
