/**
 * Just enough of a browser to walk a real IdP's pages in an integration test: a cookie jar per
 * host, redirects followed by hand (so the test sees where the IdP sends it back), and form posts.
 */
export class IdpBrowser {
  private jar = new Map<string, Map<string, string>>();

  private cookieHeader(url: URL) {
    return [...(this.jar.get(url.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private store(url: URL, res: Response) {
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) jar.delete(pair.slice(0, i).trim());
      else jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    this.jar.set(url.host, jar);
  }

  /** One request; no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string; url: string }> {
    const u = new URL(url);
    const res = await fetch(u, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      redirect: "manual",
      headers: { cookie: this.cookieHeader(u), ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    this.store(u, res);
    const location = res.headers.get("location");
    return { status: res.status, location: location ? new URL(location, u).toString() : null, text: await res.text(), url: u.toString() };
  }

  /** Follows redirects while they stay on hosts other than `stopAt`'s; returns the first URL on it. */
  async follow(url: string, stopAt: string, init: { form?: Record<string, string> } = {}): Promise<{ stoppedAt: string | null; last: Awaited<ReturnType<IdpBrowser["request"]>> }> {
    let res = await this.request(url, init);
    for (let i = 0; i < 10 && res.location; i++) {
      if (res.location.startsWith(stopAt)) return { stoppedAt: res.location, last: res };
      res = await this.request(res.location);
    }
    return { stoppedAt: null, last: res };
  }
}

/** The value of a hidden or named input in an HTML page. */
export function inputValue(html: string, name: string): string | null {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))) : null;
}

export function formAction(html: string): string | null {
  return html.match(/<form method="post" action="([^"]*)"/)?.[1]?.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))) ?? null;
}
