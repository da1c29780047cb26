import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, Attribute, Change } from "ldapts";
import { generate } from "selfsigned";

/**
 * A real OpenLDAP server (Debian's slapd) for tests: its own config and database in a temp dir,
 * ldap:// and ldaps:// (a self-signed certificate made here) on free ports of 127.0.0.1, loaded
 * with people and groups through the LDAP protocol. `.ci/run` installs slapd when it is missing.
 */
export interface Slapd {
  url: string;
  ldapsUrl: string;
  caCert: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  add(dn: string, attrs: Record<string, string | string[]>): Promise<void>;
  remove(dn: string): Promise<void>;
  modify(dn: string, attr: string, op: "add" | "delete" | "replace", values: string[]): Promise<void>;
  stop(): Promise<void>;
}

export const SLAPD = "/usr/sbin/slapd";
export const slapdAvailable = () => existsSync(SLAPD);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startSlapd(opts: { baseDn?: string } = {}): Promise<Slapd> {
  const baseDn = opts.baseDn ?? "dc=lakeside,dc=test";
  const dir = mkdtempSync(path.join(tmpdir(), "careaccess-slapd-"));
  mkdirSync(path.join(dir, "data"));
  const tls = await generate([{ name: "commonName", value: "127.0.0.1" }], { keySize: 2048, algorithm: "sha256", extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }] } as never);
  writeFileSync(path.join(dir, "cert.pem"), tls.cert);
  writeFileSync(path.join(dir, "key.pem"), tls.private);
  const adminDn = `cn=admin,${baseDn}`;
  const adminPassword = "slapd-admin-secret";
  writeFileSync(
    path.join(dir, "slapd.conf"),
    [
      "include /etc/ldap/schema/core.schema",
      "include /etc/ldap/schema/cosine.schema",
      "include /etc/ldap/schema/inetorgperson.schema",
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      `pidfile ${dir}/slapd.pid`,
      `TLSCertificateFile ${dir}/cert.pem`,
      `TLSCertificateKeyFile ${dir}/key.pem`,
      "database mdb",
      `suffix "${baseDn}"`,
      `rootdn "${adminDn}"`,
      `rootpw ${adminPassword}`,
      `directory ${dir}/data`,
      "maxsize 104857600",
      "",
    ].join("\n"),
  );
  const [port, tlsPort] = [await freePort(), await freePort()];
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  const child: ChildProcess = spawn(SLAPD, ["-f", path.join(dir, "slapd.conf"), "-h", `${url}/ ${ldapsUrl}/`, "-d", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const admin = () => new Client({ url, timeout: 5000, connectTimeout: 2000 });
  // Wait until it answers a bind.
  for (let i = 0; ; i++) {
    const c = admin();
    try {
      await c.bind(adminDn, adminPassword);
      await c.unbind();
      break;
    } catch (err) {
      if (i > 50 || child.exitCode !== null) throw new Error(`slapd did not start: ${(err as Error).message}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const withAdmin = async (fn: (c: Client) => Promise<void>) => {
    const c = admin();
    await c.bind(adminDn, adminPassword);
    try {
      await fn(c);
    } finally {
      await c.unbind();
    }
  };
  const rdn = baseDn.split(",")[0].split("=")[1];
  await withAdmin((c) => c.add(baseDn, { objectClass: ["dcObject", "organization"], dc: rdn, o: rdn }));
  return {
    url,
    ldapsUrl,
    caCert: tls.cert,
    baseDn,
    adminDn,
    adminPassword,
    add: (dn, attrs) => withAdmin((c) => c.add(dn, attrs)),
    remove: (dn) => withAdmin((c) => c.del(dn)),
    modify: (dn, attr, op, values) => withAdmin((c) => c.modify(dn, new Change({ operation: op, modification: new Attribute({ type: attr, values }) }))),
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
