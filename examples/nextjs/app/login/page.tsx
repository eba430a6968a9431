import Link from 'next/link';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ invalid?: string }> }) {
  const { invalid } = await searchParams;
  return (
    <main>
      <h1>Log in</h1>
      <form method="post" action="/api/login">
        <label>
          Your name <input name="name" required maxLength={64} autoComplete="nickname" />
        </label>
        <button type="submit">Log in</button>
      </form>
      {invalid && <p role="alert">Use letters, digits, spaces, dots, dashes or underscores (at most 64).</p>}
      <p>
        <Link href="/">Back to the call</Link>
      </p>
    </main>
  );
}
