import { SMTPServer } from "smtp-server";
import { storeReceived, type MailboxMessage } from "./mailbox";

/**
 * A real SMTP server for development and tests (the `smtp-server` package) on 127.0.0.1. The app
 * sends to it with nodemailer exactly as it would to a production relay; what arrives is stored
 * in `dir` for the development mailbox. Listens on `port` (0 = any free port).
 */
export async function startDevSmtp(opts: { dir: string; port?: number; onMessage?: (m: MailboxMessage) => void }): Promise<{ port: number; url: string; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "CareAccess development mailbox",
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        try {
          const message = storeReceived(opts.dir, Buffer.concat(chunks).toString("utf8"), session.envelope.rcptTo.map((r) => r.address));
          opts.onMessage?.(message);
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return { port: address.port, url: `smtp://127.0.0.1:${address.port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
