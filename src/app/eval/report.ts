import { INTENTS } from '../../domain/qualify/types.ts';
import type { CaseLine, EvalCase } from './case.ts';
import { CRITERIA, type Metrics } from './metrics.ts';
import type { PredictionLine } from './prediction.ts';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

function num(x: number | null, digits = 3): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

function bar(label: string, value: number): string {
  const w = Math.max(0, Math.min(100, value * 100));
  return `<div class="bar"><span class="lbl">${escapeHtml(label)}</span><span class="track"><span class="fill" style="width:${w.toFixed(1)}%"></span></span><span class="val">${pct(value)}</span></div>`;
}

/** What differs between expected and predicted for one case; empty when the case passed. */
export function caseFailures(c: EvalCase, p: PredictionLine): string[] {
  if (p.predicted === null) return [`no prediction: ${p.error ?? 'unknown error'}`];
  const out: string[] = [];
  const e = c.expected;
  if (p.predicted.intent !== e.intent) out.push(`intent ${e.intent} → ${p.predicted.intent}`);
  for (const k of CRITERIA) {
    if (p.predicted.bant[k].status !== e.bant[k].status) out.push(`${k} ${e.bant[k].status} → ${p.predicted.bant[k].status}`);
  }
  if (p.predicted.mql !== e.mql) out.push(`mql ${e.mql} → ${p.predicted.mql}`);
  const eb = e.bant.budget;
  const pb = p.predicted.bant.budget;
  if (eb.amount !== undefined && (pb.amount === undefined || Math.abs(pb.amount - eb.amount) > 0.01 * eb.amount || (eb.currency && pb.currency !== eb.currency))) {
    out.push(`budget amount ${eb.amount} ${eb.currency ?? ''} → ${pb.amount ?? '-'} ${pb.currency ?? ''}`);
  }
  const ed = e.bant.timeline.within_days;
  const pd = p.predicted.bant.timeline.within_days;
  if (ed !== undefined && (pd === undefined || Math.abs(pd - ed) > 31)) out.push(`within_days ${ed} → ${pd ?? '-'}`);
  return out;
}

function metricsTable(m: Metrics): string {
  const rows: [string, string][] = [
    ['cases', String(m.cases)],
    ['errors (no prediction)', String(m.errors)],
    ['intent accuracy', pct(m.intent.accuracy)],
    ['intent macro-F1', num(m.intent.macro_f1)],
    ['BANT macro-F1 (met)', num(m.bant_macro_f1)],
    ['MQL accuracy', pct(m.mql.accuracy)],
    ['MQL precision / recall / F1', `${num(m.mql.precision)} / ${num(m.mql.recall)} / ${num(m.mql.f1)}`],
    ['grounding', `${pct(m.grounding.share)} (${m.grounding.grounded}/${m.grounding.checked})`],
    ['budget amount match', `${pct(m.values.budget_amount.rate)} (${m.values.budget_amount.matched}/${m.values.budget_amount.labelled})`],
    ['within_days match (±31)', `${pct(m.values.within_days.rate)} (${m.values.within_days.matched}/${m.values.within_days.labelled})`],
  ];
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function confusionTable(m: Metrics): string {
  const cols = [...INTENTS, 'error'] as const;
  const head = `<tr><th>expected \\ predicted</th>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}<th>F1</th></tr>`;
  const body = INTENTS.map((e) => {
    const row = m.intent.confusion[e];
    const cells = cols.map((p) => {
      const v = row[p];
      const cls = v === 0 ? 'zero' : p === e ? 'hit' : 'miss';
      return `<td class="${cls}">${v}</td>`;
    });
    return `<tr><th>${escapeHtml(e)}</th>${cells.join('')}<td>${num(m.intent.per_intent[e].f1)}</td></tr>`;
  });
  return `<table class="grid">${head}${body.join('')}</table>`;
}

function criterionBars(m: Metrics): string {
  return CRITERIA.map((k) => {
    const b = m.bant[k];
    return `<div class="crit"><h3>${escapeHtml(k)}</h3>${bar('3-way accuracy', b.accuracy)}${bar('met precision', b.precision)}${bar('met recall', b.recall)}${bar('met F1', b.f1)}</div>`;
  }).join('');
}

function costTable(m: Metrics): string {
  const rows: [string, string][] = [
    ['latency p50', `${num(m.latency_ms.p50, 2)} ms`],
    ['latency p95', `${num(m.latency_ms.p95, 2)} ms`],
    ['latency mean / max', `${num(m.latency_ms.mean, 2)} / ${num(m.latency_ms.max, 2)} ms`],
    ['cases with a model call', String(m.usage.model_cases)],
    ['input / output tokens per case', `${num(m.usage.input_tokens_per_case, 1)} / ${num(m.usage.output_tokens_per_case, 1)}`],
    ['cost per case', m.usage.cost_per_case_usd === null ? 'n/a (no model call)' : `$${m.usage.cost_per_case_usd.toFixed(6)}`],
  ];
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function failingCases(lines: readonly CaseLine[], predictions: readonly PredictionLine[]): string {
  const items: string[] = [];
  lines.forEach((line, i) => {
    const p = predictions[i];
    if (!p) return;
    if ('error' in line) {
      items.push(`<details open class="case"><summary>${escapeHtml(line.id)}: unreadable case</summary><pre>${escapeHtml(line.error)}</pre></details>`);
      return;
    }
    const c = line.case;
    const failures = caseFailures(c, p);
    if (failures.length === 0) return;
    const thread = (c.thread ?? []).map((t) => `<div class="msg ${t.from}"><b>${escapeHtml(t.from)}:</b><pre>${escapeHtml(t.text)}</pre></div>`).join('');
    items.push(
      `<details class="case"><summary><b>${escapeHtml(c.id)}</b> <span class="tag">${escapeHtml(c.lang)} · ${escapeHtml(c.channel)} · ${escapeHtml(c.date)}</span> ${failures.map((f) => `<span class="fail">${escapeHtml(f)}</span>`).join(' ')}</summary>` +
        `<div class="cols"><div><h4>Lead</h4><pre>${escapeHtml(JSON.stringify(c.lead ?? {}, null, 2))}</pre>${thread ? `<h4>Thread</h4>${thread}` : ''}<h4>Reply</h4><pre>${escapeHtml(c.reply)}</pre>${c.notes ? `<h4>Notes</h4><p>${escapeHtml(c.notes)}</p>` : ''}</div>` +
        `<div><h4>Expected</h4><pre>${escapeHtml(JSON.stringify(c.expected, null, 2))}</pre><h4>Predicted</h4><pre>${escapeHtml(JSON.stringify(p.predicted, null, 2))}</pre>${p.error ? `<p class="fail">${escapeHtml(p.error)}</p>` : ''}</div></div></details>`,
    );
  });
  return items.length ? items.join('\n') : '<p>Every case passed.</p>';
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}h1{margin-bottom:0}.sub{color:#666}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}
.grid td{text-align:right}.hit{background:#d7f5dd}.miss{background:#fbdcdc}.zero{color:#bbb}
.crit{display:inline-block;vertical-align:top;width:22rem;margin-right:1rem}.bar{display:flex;align-items:center;margin:2px 0}
.lbl{width:9rem}.track{flex:1;background:#eee;height:10px;margin:0 6px}.fill{display:block;height:10px;background:#4a7}.val{width:4rem;text-align:right}
.case{border:1px solid #ddd;margin:6px 0;padding:4px 8px}.fail{color:#b00;margin-right:6px}.tag{color:#666}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}pre{white-space:pre-wrap;background:#f7f7f7;padding:6px}.msg.us pre{background:#eef}`;

/** A self-contained HTML report: metrics, intent confusion matrix, per-criterion bars, cost and latency, failing cases. */
export function renderReport(metrics: Metrics, lines: readonly CaseLine[], predictions: readonly PredictionLine[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Baton eval: ${escapeHtml(metrics.dataset ?? 'dataset')}</title><style>${STYLE}</style></head><body>
<h1>Qualification eval</h1><p class="sub">dataset ${escapeHtml(metrics.dataset ?? '-')} · engine ${escapeHtml(metrics.engine)} · ${metrics.cases} cases</p>
<h2>Metrics</h2>${metricsTable(metrics)}
<h2>Intent confusion matrix</h2>${confusionTable(metrics)}
<h2>BANT criteria</h2>${criterionBars(metrics)}
<h2>Latency and cost</h2>${costTable(metrics)}
<h2>Failing cases</h2>${failingCases(lines, predictions)}
</body></html>
`;
}
