import { decryptSecret, encryptSecret } from "../security/crypto";

/**
 * Identity secrets at rest (OIDC client secrets, LDAP bind passwords, PKCE verifiers): AES-256-GCM
 * with a key derived from IDENTITY_SECRETS_KEY (or NEXTAUTH_SECRET when it is unset), one purpose
 * per kind so a value can't be moved from one column to another and still decrypt.
 */
export type SecretPurpose = "oidc_client_secret" | "ldap_bind_password" | "pkce_verifier";

export const sealSecret = (plain: string, purpose: SecretPurpose) => encryptSecret(plain, `identity:${purpose}`);
export const openSecret = (stored: string, purpose: SecretPurpose) => decryptSecret(stored, `identity:${purpose}`);
