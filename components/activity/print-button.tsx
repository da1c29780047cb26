"use client";

import { buttonClass } from "@/components/ui/form";

export function PrintButton() {
  return (
    <button type="button" className={`${buttonClass.secondary} print:hidden`} onClick={() => window.print()}>
      Print
    </button>
  );
}
