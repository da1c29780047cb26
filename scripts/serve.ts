/**
 * The HTTP server: Next's request handler behind Node's http server, so the client's socket
 * address reaches the app in a header the client can't forge (see lib/auth/request-meta.ts).
 */
import http from "node:http";
import next from "next";
import { PEER_HEADER } from "../lib/auth/request-meta";

export async function serve(opts: { dir: string; port: number; hostname: string; dev?: boolean }): Promise<http.Server> {
  const app = next({ dev: opts.dev ?? false, dir: opts.dir, port: opts.port, hostname: opts.hostname });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname, resolve);
  });
  return server;
}
