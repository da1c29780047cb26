"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Row = { name: string; booked: number; completed: number; noShow: number; revenue: number; rating: number | null };

/**
 * The performance charts (recharts), each an image with a one-line summary for assistive tech;
 * the table below the charts has every figure (the accessible version).
 */
export function PerformanceCharts({ rows }: { rows: Row[] }) {
  const short = rows.map((r) => ({ ...r, rating: r.rating ?? 0 }));
  const tick = { fontSize: 11, fill: "#475569" };
  return (
    <div className="grid gap-4 lg:grid-cols-3" data-testid="performance-charts">
      <figure className="rounded-lg border border-slate-200 p-3">
        <figcaption className="text-sm font-medium text-slate-800">Appointments</figcaption>
        <div className="mt-2 h-56" role="img" aria-label={`Appointments booked, completed and no-show: ${rows.map((r) => `${r.name} ${r.booked}, ${r.completed}, ${r.noShow}`).join("; ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={short} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="name" tick={tick} interval={0} />
              <YAxis allowDecimals={false} tick={tick} width={32} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="booked" name="Booked" fill="#2563eb" isAnimationActive={false} />
              <Bar dataKey="completed" name="Completed" fill="#059669" isAnimationActive={false} />
              <Bar dataKey="noShow" name="No-show" fill="#b91c1c" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="rounded-lg border border-slate-200 p-3">
        <figcaption className="text-sm font-medium text-slate-800">Revenue ($)</figcaption>
        <div className="mt-2 h-56" role="img" aria-label={`Revenue: ${rows.map((r) => `${r.name} $${r.revenue.toLocaleString("en-US")}`).join("; ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={short} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="name" tick={tick} interval={0} />
              <YAxis tick={tick} width={48} />
              <Tooltip formatter={(v) => `$${Number(v).toLocaleString("en-US")}`} />
              <Bar dataKey="revenue" name="Revenue" fill="#7c3aed" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="rounded-lg border border-slate-200 p-3">
        <figcaption className="text-sm font-medium text-slate-800">Average rating (of 5)</figcaption>
        <div className="mt-2 h-56" role="img" aria-label={`Average rating out of 5: ${rows.map((r) => `${r.name} ${r.rating ?? "none"}`).join("; ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={short} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="name" tick={tick} interval={0} />
              <YAxis domain={[0, 5]} ticks={[0, 1, 2, 3, 4, 5]} tick={tick} width={24} />
              <Tooltip />
              <Bar dataKey="rating" name="Rating" fill="#d97706" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
