import { DEMO_SESSION_COOKIE, isValidName, signDemoSession } from '../../../lib/demoSession';

/** The demo login form posts here: a valid name gets the signed cookie and goes to the call. */
export async function POST(request: Request): Promise<Response> {
  const name = String((await request.formData()).get('name') ?? '').trim();
  if (!isValidName(name)) return Response.redirect(new URL('/login?invalid=1', request.url), 303);
  const cookie = `${DEMO_SESSION_COOKIE}=${encodeURIComponent(await signDemoSession(name))}; Path=/; HttpOnly; SameSite=Lax`;
  return new Response(null, { status: 303, headers: { Location: '/', 'Set-Cookie': cookie } });
}
