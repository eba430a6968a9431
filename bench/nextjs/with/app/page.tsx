import { Call } from './Call';

/** The page with the package: the same heading, then the provider and the five components. */
export default function CallPage() {
  return (
    <main>
      <h1>Call</h1>
      <Call />
    </main>
  );
}
