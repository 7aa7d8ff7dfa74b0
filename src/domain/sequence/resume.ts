import * as chrono from 'chrono-node';
import * as chronoZh from 'chrono-node/zh';

const DAY = 86_400_000;

/**
 * The day a "not now" reply asks to be contacted again ("ping me in March", "after 15 January",
 * "下个月再联系"), as YYYY-MM-DD: the first date it names that lies after the day it was sent. Null
 * when it names none (or only past days).
 */
export function askedResumeDate(text: string, sent: Date): string | null {
  const body = text.slice(0, 4000);
  const results = /[\u4e00-\u9fff]/.test(body) ? chronoZh.parse(body, sent, { forwardDate: true }) : chrono.parse(body, sent, { forwardDate: true });
  const today = Math.floor(sent.getTime() / DAY);
  for (const r of results) {
    const d = r.start.date();
    if (Math.floor(d.getTime() / DAY) > today) {
      // "in March" without a day means the start of March.
      if (!r.start.isCertain('day') && r.start.isCertain('month')) {
        const y = r.start.get('year') ?? d.getUTCFullYear();
        const m = r.start.get('month') ?? d.getUTCMonth() + 1;
        return `${y}-${String(m).padStart(2, '0')}-01` > new Date(sent).toISOString().slice(0, 10) ? `${y}-${String(m).padStart(2, '0')}-01` : d.toISOString().slice(0, 10);
      }
      return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);
    }
  }
  return null;
}
