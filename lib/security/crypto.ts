import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** SHA-256 hex of a token or recovery code: what the database stores instead of the secret. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A random URL-safe token (256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function secret(): string {
  return process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET ?? "careaccess-development-secret-not-for-production";
}

function key(purpose: string): Buffer {
  // Identity secrets (SSO client secrets, SAML keys, LDAP bind passwords) may have a key of their
  // own, IDENTITY_SECRETS_KEY, so rotating NEXTAUTH_SECRET doesn't make them unreadable (issue 12).
  const material = purpose.startsWith("identity:") && process.env.IDENTITY_SECRETS_KEY ? process.env.IDENTITY_SECRETS_KEY : secret();
  return Buffer.from(hkdfSync("sha256", material, "careaccess", `careaccess:${purpose}`, 32));
}

/**
 * AES-256-GCM with a key derived (HKDF) from NEXTAUTH_SECRET, so a copy of the database alone does
 * not reveal what is stored (TOTP secrets). Format: v1.<iv>.<tag>.<ciphertext>, base64url.
 */
export function encryptSecret(plain: string, purpose = "totp"): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(purpose), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

export function decryptSecret(stored: string, purpose = "totp"): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("Unrecognised encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", key(purpose), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
