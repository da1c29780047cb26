"use client";

/** The error state of a care-team page: nothing was changed, try again. */
export function CareError({ what, reset }: { what: string; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-6 text-sm text-red-900">
      <h2 className="font-semibold">The {what} could not be loaded</h2>
      <p className="mt-1">Something went wrong on our side. Nothing was changed.</p>
      <button type="button" onClick={reset} className="mt-3 rounded-md bg-white px-3 py-1.5 font-medium text-red-900 ring-1 ring-red-300 hover:bg-red-100">
        Try again
      </button>
    </div>
  );
}
