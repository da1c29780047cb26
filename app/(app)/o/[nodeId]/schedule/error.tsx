"use client";

import { PageError } from "@/components/ui/page-states";

export default function ErrorState({ reset }: { error: Error; reset: () => void }) {
  return <PageError what="schedule" reset={reset} />;
}
