-- Remember the last accepted TOTP time step so a code can't be replayed.
ALTER TABLE "users" ADD COLUMN "totp_last_step" INTEGER;
