"use client";

/**
 * The loading and error states of every page under a place (App Router loading.tsx / error.tsx),
 * so each route file only names what it is loading.
 */
export function PageError({ what, reset }: { what: string; reset: () => void }) {
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

export function PageLoading({ label }: { label: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-3">
      <div className="h-24 animate-pulse rounded-xl bg-white shadow-sm" />
      <div className="h-64 animate-pulse rounded-xl bg-white shadow-sm" />
      <span className="sr-only">{label}…</span>
    </div>
  );
}
