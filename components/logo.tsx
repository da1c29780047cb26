export function Logo({ className = "" }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <svg aria-hidden="true" viewBox="0 0 32 32" className="h-7 w-7">
        <rect width="32" height="32" rx="8" className="fill-brand-600" />
        <path d="M16 7l7 3v6c0 4.5-3 8-7 9-4-1-7-4.5-7-9v-6l7-3z" fill="white" />
        <path d="M14.5 17.5l-2-2-1.4 1.4 3.4 3.4 6-6-1.4-1.4z" className="fill-brand-600" />
      </svg>
      <span>CareAccess</span>
    </span>
  );
}
