/**
 * Signs in over HTTP through next-auth's credentials callback, as the sign-in form does, and returns
 * the cookie header (bench:http, e2e/cluster.spec.ts). Throws unless /api/me then answers 200.
 */
export async function signInOverHttp(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: base },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: base }),
  });
  keep(res);
  const me = await fetch(`${base}/api/me`, { headers: { cookie: cookie() } });
  if (!me.ok) throw new Error(`Signing in as ${email} at ${base} failed: /api/me answered ${me.status}.`);
  return cookie();
}
