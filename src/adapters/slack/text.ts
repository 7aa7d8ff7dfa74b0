/**
 * Slack text rules, shared by the Block Kit builders: escaping (a lead's words must never become a
 * mention, a link or a channel ping), safe truncation to Slack's limits, and dates Slack renders in
 * each reader's own zone.
 */

/** Slack's documented limits (characters and counts) the builders stay under. */
export const LIMITS = {
  /** Blocks in one message. */
  messageBlocks: 50,
  /** Blocks in a modal or the App Home tab. */
  viewBlocks: 100,
  /** A section's or context element's text. */
  text: 3000,
  /** A header block's plain text. */
  header: 150,
  /** A button's label. */
  button: 75,
  /** A select option's or radio option's label. */
  option: 75,
  /** An action's value. */
  value: 2000,
  /** A modal's title. */
  modalTitle: 24,
  /** A modal's private_metadata. */
  metadata: 3000,
  /** A plain_text_input's initial value. */
  input: 3000,
} as const;

/** Escapes the three characters Slack treats as markup (&, <, >) so user text shows as written. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts text to at most `max` characters with an ellipsis, never inside an escape entity (&amp;) or a
 * surrogate pair, so the cut text still renders and still cannot open a link or mention.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  // A half entity at the end ("&am") would show as garbage; a lone high surrogate as a broken glyph.
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Escaped and clipped: user text ready for a mrkdwn field. */
export function userText(text: string, max: number = LIMITS.text): string {
  return clip(escapeText(text), max);
}

/** A date Slack renders in the reader's zone, with a UTC fallback for clients that cannot. */
export function slackDate(at: Date): string {
  const sec = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${sec}^{date_short_pretty} at {time}|${fallback}>`;
}

/** A mention of a person by Slack user id; other ids (console logins) show as plain text. */
export function mention(userId: string | null | undefined): string {
  if (!userId) return 'someone';
  const id = userId.startsWith('user:') ? userId.slice(5) : userId;
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeText(id);
}

/** The quoted form of a lead's words in mrkdwn: every line prefixed with "> ". */
export function quote(text: string, max: number = LIMITS.text): string {
  const lines = escapeText(text.trim())
    .split('\n')
    .map((l) => `>${l ? ' ' : ''}${l}`)
    .join('\n');
  return clip(lines, max);
}

/** 0..1 as a whole percentage. */
export function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${Math.round(rate * 100)}%`;
}

/** Slack's markup in a message: <@U1>, <#C1|name>, <!here>, <https://x|label>, <mailto:a@b|a@b>. */
const MARKUP = /<([^<>|]*)(?:\|([^<>]*))?>/g;

function plainLink(target: string, label: string | undefined): string {
  const url = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
  if (!label) return url;
  // Slack links what it recognised as typed: "acme.test" arrives as <http://acme.test|acme.test>.
  if (label === url || label === target || label === url.replace(/^https?:\/\//, '')) return label;
  return `${label} (${url})`;
}

/**
 * A person's Slack message as plain text for someone outside Slack (a website visitor): mentions
 * become names (`nameOf` answers a user id's name, or null: "@someone"), links "label (url)",
 * channels "#name", and the escaped &, < and > their characters again.
 */
export function fromSlackMarkup(text: string, nameOf: (userId: string) => string | null): string {
  const out = text.replace(MARKUP, (_all, target: string, label: string | undefined) => {
    if (target.startsWith('@')) return nameOf(target.slice(1)) ?? '@someone';
    if (target.startsWith('#')) return `#${label ?? 'channel'}`;
    if (target.startsWith('!')) {
      const word = target.slice(1).split('^')[0] ?? '';
      if (label) return label;
      return ['here', 'channel', 'everyone'].includes(word) ? `@${word}` : '';
    }
    return plainLink(target, label);
  });
  return out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
