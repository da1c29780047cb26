-- Settings > Users: soft delete (records stay attributed) and provider profiles.
ALTER TABLE "users" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);
CREATE INDEX "users_name_idx" ON "users"("name");

CREATE TABLE "provider_profiles" (
    "user_id" UUID NOT NULL,
    "credentials" TEXT NOT NULL DEFAULT '',
    "specialties" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "license_number" TEXT,
    "bio" TEXT NOT NULL DEFAULT '',
    "photo" BYTEA,
    "photo_type" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "provider_profiles_pkey" PRIMARY KEY ("user_id")
);
ALTER TABLE "provider_profiles" ADD CONSTRAINT "provider_profiles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
