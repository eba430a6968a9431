import { createCustomTokenSource, createEndpointGenerator, TokenStatusView } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** A token source of your own, outside any session: nobody has asked it for a token yet. */
const source = createCustomTokenSource(createEndpointGenerator('/api/livekit-token'));

export function TokenStatusOfSource() {
  return <TokenStatusView source={source} />;
}
