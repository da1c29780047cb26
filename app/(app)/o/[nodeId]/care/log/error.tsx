"use client";

import { CareError } from "@/components/care/care-error";

export default function ErrorState({ reset }: { error: Error; reset: () => void }) {
  return <CareError what="care log" reset={reset} />;
}
