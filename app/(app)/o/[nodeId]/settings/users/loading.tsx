export default function Loading() {
  return (
    <div role="status" aria-label="Loading users" className="space-y-3">
      <div className="h-6 w-32 animate-pulse rounded bg-slate-200" />
      <div className="h-24 animate-pulse rounded-xl bg-white shadow-sm" />
      <div className="h-64 animate-pulse rounded-xl bg-white shadow-sm" />
    </div>
  );
}
