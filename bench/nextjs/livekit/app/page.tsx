import { Call } from './Call';

/** The page on LiveKit alone: the same heading, then its own session, provider and components. */
export default function CallPage() {
  return (
    <main>
      <h1>Call</h1>
      <Call />
    </main>
  );
}
