/** One numeric metric of two runs side by side. */
export interface CompareRow {
  metric: string;
  a: number | null;
  b: number | null;
  /** b - a; null when either side is missing. */
  delta: number | null;
}

// Per-intent scores and the confusion matrix are detail: the side-by-side view keeps headline numbers.
const SKIP = /^intent\.(?:per_intent|confusion)\./;

/** Flatten numeric leaves of a metrics object to dotted paths ("bant.budget.f1"). */
export function flattenNumbers(value: unknown, prefix = '', out: Map<string, number | null> = new Map()): Map<string, number | null> {
  if (typeof value === 'number' || value === null) {
    if (prefix) out.set(prefix, value);
  } else if (typeof value === 'object' && value !== undefined && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenNumbers(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Every numeric metric present in either run, in the order of run A then new ones from B. */
export function compareMetrics(a: unknown, b: unknown): CompareRow[] {
  const fa = flattenNumbers(a);
  const fb = flattenNumbers(b);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].filter((k) => !SKIP.test(k));
  return keys.map((metric) => {
    const va = fa.get(metric) ?? null;
    const vb = fb.get(metric) ?? null;
    return { metric, a: va, b: vb, delta: va !== null && vb !== null ? Math.round((vb - va) * 10000) / 10000 : null };
  });
}

function cell(v: number | null): string {
  return v === null ? '-' : String(v);
}

/** A plain-text table for a terminal. */
export function formatCompare(rows: readonly CompareRow[], labelA: string, labelB: string): string {
  const header = ['metric', labelA, labelB, 'delta'];
  const body = rows.map((r) => [r.metric, cell(r.a), cell(r.b), r.delta === null ? '-' : r.delta > 0 ? `+${r.delta}` : String(r.delta)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}
