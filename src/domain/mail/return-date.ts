import * as chrono from 'chrono-node';
import * as chronoZh from 'chrono-node/zh';

/**
 * The day an automatic reply says its writer is back, as YYYY-MM-DD, resolved against the date the
 * reply was sent ("back on Monday" means the Monday after that date). English and Chinese.
 *
 * "Back on 5 March", "returning March 5", "out until March 5" name the day they are back; "through
 * March 5", "March 1-5" and "休假至3月5日" name the last day away, so the day after is the return.
 */

/** Words that put a date in relation to the return (English). */
const EN_CUE = /\b(?:back|return|returning|returns|until|till|til|through|thru|resum\w*|reachable|in the office|away|out of (?:the )?office|on (?:leave|vacation|holiday)|leave|vacation|holiday|travel\w*|from)\b/i;
/** Chinese cues: 返回/回来/回到 (back), 至/到 (until), 上班 (at work), 休假/请假/外出 (away). */
const ZH_CUE = /返回|回来|回到|回国|回公司|上班|之后|以后|至|到|休假|请假|外出|出差|不在/;
/** After these words the date is the last day away. */
const LAST_DAY_AWAY = /\b(?:through|thru|to and including|inclusive)\s*$|\b(?:until|till)\s+(?:and including|the end of)\s*$/i;
const ZH_LAST_DAY = /(?:休假|请假|外出|出差|不在)[^。！？\n]{0,12}(?:至|到)\s*$/;

interface Candidate {
  readonly day: string;
  readonly cue: boolean;
}

/** The return date an automatic reply states, or null when it states none. */
export function statedReturnDate(text: string, sent: Date): string | null {
  const body = text.slice(0, 4000);
  const candidates: Candidate[] = [];
  for (const sentence of sentences(body)) {
    const zh = /[\u4e00-\u9fff]/.test(sentence);
    const results = zh ? chronoZh.parse(sentence, sent, { forwardDate: true }) : chrono.parse(sentence, sent, { forwardDate: true });
    for (const r of results) {
      if (!r.start.isCertain('day') && !r.start.isCertain('weekday')) continue;
      const before = sentence.slice(0, r.index);
      const cue = zh ? ZH_CUE.test(sentence) : EN_CUE.test(sentence);
      const end = r.end ?? null;
      const lastDayAway = end !== null || (zh ? ZH_LAST_DAY.test(before) : LAST_DAY_AWAY.test(before));
      const component = end ?? r.start;
      const day = isoDay(component.get('year'), component.get('month'), component.get('day'), lastDayAway ? 1 : 0);
      if (day !== null) candidates.push({ day, cue });
    }
  }
  const sentDay = isoDay(sent.getUTCFullYear(), sent.getUTCMonth() + 1, sent.getUTCDate(), 0) ?? '';
  const usable = candidates.filter((c) => c.day >= sentDay);
  const withCue = usable.filter((c) => c.cue);
  const pool = withCue.length > 0 ? withCue : [];
  if (pool.length === 0) return null;
  // The furthest date mentioned with a return cue: "away from 3 March, back on 10 March" -> 10 March.
  return pool.map((c) => c.day).sort().at(-1) ?? null;
}

function sentences(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/(?<=[.!?。！？；;])\s+|\n{2,}|\n(?=\s*[-*•])/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0 && s.length < 400);
}

function isoDay(year: number | null, month: number | null, day: number | null, plusDays: number): string | null {
  if (year === null || month === null || day === null) return null;
  const d = new Date(Date.UTC(year, month - 1, day + plusDays));
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().slice(0, 10);
}
