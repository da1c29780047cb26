/** The local IdPs' own sign-in page: plain HTML, clearly not CareAccess. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(opts: { title: string; action: string; error?: string; hidden?: Record<string, string>; brand: string }): string {
  const hidden = Object.entries(opts.hidden ?? {})
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(opts.title)}</title>
<style>body{font-family:system-ui,sans-serif;background:${opts.brand};margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;padding:32px;width:min(360px,90vw);box-shadow:0 10px 30px rgba(0,0,0,.2)}
h1{font-size:20px;margin:0 0 4px}p{color:#444;font-size:14px;margin:0 0 20px}label{display:block;font-size:14px;margin:12px 0 4px;color:#222}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #888;border-radius:6px;font-size:15px}
button{margin-top:20px;width:100%;padding:11px;border:0;border-radius:6px;background:#222;color:#fff;font-size:15px;cursor:pointer}
.err{background:#fde8e8;color:#8a1c1c;padding:8px 10px;border-radius:6px;font-size:14px}</style></head>
<body><main><h1>${esc(opts.title)}</h1><p>Local identity provider for development and tests.</p>
${opts.error ? `<div class="err" role="alert">${esc(opts.error)}</div>` : ""}
<form method="post" action="${esc(opts.action)}">${hidden}
<label for="username">Username</label><input id="username" name="username" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in to the IdP</button></form></main></body></html>`;
}

export async function readForm(req: import("node:http").IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}
