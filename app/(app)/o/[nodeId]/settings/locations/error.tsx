"use client";

export default function LocationsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-6 text-sm text-red-900">
      <h2 className="font-semibold">Locations could not be loaded</h2>
      <p className="mt-1">Something went wrong on our side. Your locations are unchanged.</p>
      <button type="button" onClick={reset} className="mt-3 rounded-md bg-white px-3 py-1.5 font-medium text-red-900 ring-1 ring-red-300 hover:bg-red-100">
        Try again
      </button>
    </div>
  );
}
