/**
 * The content words of a text, for the lexical half of the relevance check: function words dropped,
 * English words reduced to a crude stem, a few synonyms folded together, Chinese cut into bigrams
 * after its function words are removed. Pure.
 */

/** Words that carry no topic: a question and a passage sharing them say nothing about relevance. */
const STOP = new Set(
  (
    'a an the and or but if then else of to in on at by for from with without about into over under as is are was were be been being am ' +
    'do does did done doing have has had having can could will would shall should may might must ' +
    'i me my mine we us our ours you your yours he him his she her it its they them their this that these those there here ' +
    'what which who whom whose when where why how whether not no yes so too very just also only than such any some all each ' +
    'hi hello hey thanks thank please tell know let like want wondering wonder question ask asking curious could quick ' +
    "get got go going say said see look looking one ones thing things lot much many way ok okay sure really i'm i'd we're you're it's " +
    "don't doesn't isn't aren't can't won't what's there's u w pls per via take long happen happens anytime"
  ).split(' '),
);

/**
 * Words that are about the product in general: they count a little (a quarter), and a match on them
 * alone never makes a passage relevant ("do you support X" shares "support" with many passages).
 */
const WEAK = new Set(
  'baton use us support offer provide product service work help need make available possible able option customer team company sales include compliant compliance'
    .split(' ')
    .map((w) => stem(w)),
);

/** Spellings and near-synonyms folded into one term (after stemming). */
const SYNONYMS: Readonly<Record<string, string>> = {
  cost: 'pric',
  pay: 'pric',
  expens: 'pric',
  fee: 'pric',
  charg: 'pric',
  seat: 'user',
  soc2: 'soc',
  nonprofit: 'profit',
  europ: 'eu',
  european: 'eu',
  germany: 'eu',
  frankfurt: 'eu',
  america: 'us',
  usa: 'us',
  refund: 'refund',
  cancel: 'cancel',
  sso: 'sso',
  saml: 'sso',
  okta: 'sso',
  login: 'sso',
  encrypt: 'encrypt',
  gmail: 'gmail',
  outlook: 'outlook',
  chines: 'chinese',
  mandarin: 'chinese',
  connect: 'integrat',
  integrat: 'integrat',
  sync: 'integrat',
  reside: 'stor',
  residenc: 'stor',
  stor: 'stor',
};

/** Chinese function words and question particles, removed before bigrams are cut. */
const ZH_STOP = [
  '请问', '你们', '我们', '您们', '贵公司', '公司', '什么', '怎么', '怎样', '如何', '哪些', '哪里', '哪儿', '多少', '是否', '可以', '能否', '能不能', '有没有', '是不是', '一下', '一个', '这个', '那个', '还是',
  '吗', '呢', '吧', '啊', '的', '了', '是', '有', '在', '和', '与', '及', '或', '我', '你', '您', '他', '她', '它', '们', '也', '都', '就', '么', '会', '能', '要', '想', '请', '对', '把', '被', '给', '让', '从', '到',
];
const ZH_WEAK = new Set(['支持', '提供', '产品', '服务', '使用', '客户']);

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** A light English stemmer: enough that "stored", "stores" and "storage" meet, not a linguistic one. */
export function stem(word: string): string {
  let w = word.replace(/['’]s$/, '');
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ['ations', 'ation', 'ion', 'ing', 'age', 'ed', 'ly', 'e']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      // "planned" -> "plann" -> "plan", "cancelled" -> "cancel"; "called" stays "call".
      if (suffix !== 'e' && /([b-df-hj-np-tv-z])\1$/.test(w) && (!/(ll|ss|zz)$/.test(w) || w.length >= 6)) w = w.slice(0, -1);
      break;
    }
  }
  return w;
}

export interface Term {
  readonly term: string;
  /** 1 for a topical word, 0.25 for a word about the product in general. */
  readonly weight: number;
  /** Written with a capital inside a sentence (a name such as "Pipedrive"): a passage must contain it. */
  readonly named: boolean;
}

function zhTerms(run: string, out: Map<string, Term>): void {
  let rest = run;
  for (const w of ZH_WEAK) {
    if (!rest.includes(w)) continue;
    if (!out.has(w)) out.set(w, { term: w, weight: 0.25, named: false });
    rest = rest.split(w).join(' ');
  }
  for (const w of ZH_STOP) rest = rest.split(w).join(' ');
  for (const piece of rest.split(' ')) {
    const chars = [...piece];
    if (chars.length === 1) {
      const c = chars[0]!;
      if (!out.has(c)) out.set(c, { term: c, weight: 1, named: false });
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i++) {
      const b = `${chars[i]}${chars[i + 1]}`;
      if (!out.has(b)) out.set(b, { term: b, weight: 1, named: false });
    }
  }
}

/** The distinct content terms of a text, in order of first appearance. */
export function contentTerms(text: string): Term[] {
  const out = new Map<string, Term>();
  const normalised = text.normalize('NFKC');
  for (const m of normalised.matchAll(TOKEN)) {
    const token = m[0];
    // A capital not at the start of the text or of a sentence marks a name.
    const before = normalised.slice(0, m.index).trimEnd();
    const sentenceStart = before === '' || /[.!?。！？:]$/.test(before);
    let run = '';
    let runCjk = false;
    const flush = () => {
      if (!run) return;
      if (runCjk) zhTerms(run, out);
      else {
        const lower = run.toLowerCase();
        if (!STOP.has(lower) && !/^\d+$/.test(lower)) {
          const s = stem(lower);
          const term = SYNONYMS[s] ?? s;
          const named = !sentenceStart && /^\p{Lu}/u.test(run) && !WEAK.has(term);
          const prev = out.get(term);
          if (!prev) out.set(term, { term, weight: WEAK.has(term) ? 0.25 : 1, named });
          else if (named && !prev.named) out.set(term, { ...prev, named });
        }
      }
      run = '';
    };
    for (const ch of token) {
      const cjk = CJK.test(ch);
      if (run && cjk !== runCjk) flush();
      runCjk = cjk;
      run += ch;
    }
    flush();
  }
  return [...out.values()];
}

/** The set of terms of a passage (names and weights do not matter on that side). */
export function termSet(text: string): Set<string> {
  return new Set(contentTerms(text).map((t) => t.term));
}
