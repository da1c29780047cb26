-- issue 10 (provider performance): the patient's rating of a completed appointment, 1 to 5 stars.
ALTER TABLE "appointments" ADD COLUMN "rating" INTEGER;
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_rating" CHECK ("rating" IS NULL OR ("rating" BETWEEN 1 AND 5 AND "status" = 'completed'));
