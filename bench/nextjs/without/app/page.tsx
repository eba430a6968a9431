/** The page without the package: the same heading, nothing from LiveKit. */
export default function CallPage() {
  return (
    <main>
      <h1>Call</h1>
    </main>
  );
}
