import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Tx } from "../db/client";

/** Provider profile fields, including a photo checked by size and by its actual bytes. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
const PHOTO_SIGNATURES: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: "image/png", test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: "image/jpeg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: "image/webp", test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP" },
];

export const providerProfileSchema = z.object({
  credentials: z.string().trim().max(120, "Keep credentials under 120 characters.").default(""),
  specialties: z.array(z.string().trim().min(1).max(60, "Keep each specialty under 60 characters.")).max(20, "List at most 20 specialties.").default([]),
  licenseNumber: z
    .string()
    .trim()
    .max(40)
    .regex(/^[A-Za-z0-9-]*$/, "Use letters, digits and dashes only.")
    .transform((v) => v || null)
    .nullable()
    .default(null),
  bio: z.string().trim().max(2000, "Keep the bio under 2,000 characters.").default(""),
  /** base64 of the image file; null removes the photo; absent keeps it. */
  photo: z.string().max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 8, "The photo must be 2 MB or smaller.").nullable().optional(),
});
export type ProviderProfileInput = z.infer<typeof providerProfileSchema>;

/** The image type by its first bytes; null when it is not a PNG, JPEG or WebP image. */
export function sniffImage(bytes: Buffer): string | null {
  return PHOTO_SIGNATURES.find((s) => s.test(bytes))?.type ?? null;
}

export async function saveProviderProfile(tx: Tx, actor: { userId: string; ip?: string | null }, placeId: string, userId: string, input: ProviderProfileInput) {
  let photo: { bytes: Buffer; type: string } | null | undefined;
  if (input.photo === null) photo = null;
  else if (input.photo !== undefined) {
    const bytes = Buffer.from(input.photo, "base64");
    if (bytes.length === 0) throw new AppError("invalid", "Some fields need attention.", { photo: ["The photo file is empty."] });
    if (bytes.length > MAX_PHOTO_BYTES) throw new AppError("invalid", "Some fields need attention.", { photo: ["The photo must be 2 MB or smaller."] });
    const type = sniffImage(bytes);
    if (!type) throw new AppError("invalid", "Some fields need attention.", { photo: ["Use a PNG, JPEG or WebP image."] });
    photo = { bytes, type };
  }
  const data = {
    credentials: input.credentials,
    specialties: input.specialties,
    licenseNumber: input.licenseNumber,
    bio: input.bio,
    ...(photo !== undefined ? { photo: photo ? new Uint8Array(photo.bytes) : null, photoType: photo?.type ?? null } : {}),
  };
  await tx.providerProfile.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  const { rootId } = await tx.orgNode.findUniqueOrThrow({ where: { id: placeId }, select: { rootId: true } });
  await recordAudit(tx, { tenantId: rootId, actorId: actor.userId, action: "member.provider_profile_updated", targetType: "user", targetId: userId, details: { photo: photo === undefined ? "kept" : photo ? photo.type : "removed" }, ip: actor.ip });
}
