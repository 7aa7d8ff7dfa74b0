import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { countryCode, SendWindowSchema, type SendWindow } from '../sequence/calendar.ts';

/**
 * The sales team Baton works with: the SDRs who decide candidates, the team lead who hears about
 * breached SLAs, the account executives who take approved leads, and the desk's service levels.
 * Read from a YAML or JSON file (BATON_TEAM_FILE); pure: parsing and the assignment rules only.
 *
 * A person's `id` is their Slack user id when Slack is connected (U0123ABC), and the name they
 * pick in the review console otherwise. Actors in the audit log are `user:<id>`.
 */

const PersonId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be a Slack user id (U0123ABC) or a short login (letters, digits, . _ -)' });

const Territory = z
  .string()
  .trim()
  .min(2)
  .transform((v, ctx) => {
    const code = countryCode(v);
    if (!code) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a country (use an ISO code such as US or DE, or a country name)` });
      return z.NEVER;
    }
    return code;
  });

export const PersonSchema = z.object({
  id: PersonId,
  name: z.string().trim().min(1).max(100),
  email: z.email({ error: 'must be an email address' }).optional(),
  /** Countries (ISO codes or names) whose leads this person takes when assignment is by territory. */
  territories: z.array(Territory).default([]),
});
export type Person = z.infer<typeof PersonSchema>;

const minutes = (min: number, max: number) => z.number().int().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` });

export const SlaSchema = z
  .object({
    /** Business minutes a hot inbound candidate may wait (a web form or chat lead with a top grade). */
    hot_minutes: minutes(1, 24 * 60).default(15),
    /** Business minutes any other candidate may wait. */
    standard_minutes: minutes(5, 10 * 24 * 60).default(240),
    /** The owner is reminded this many minutes before the due time. */
    remind_before_minutes: minutes(1, 24 * 60).default(5),
    /** Desk hours in the team's zone (BATON_TIME_ZONE): SLA clocks run only inside them. */
    hours: z.string().trim().default('09:00-18:00 Mon-Fri'),
    /** Local time of the daily summary of open candidates and breaches (team zone, desk days). */
    summary_at: z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time such as 09:00' })
      .default('09:00'),
    /** Grades that make an inbound candidate hot. */
    hot_grades: z.array(z.enum(['A', 'B', 'C', 'D'])).default(['A']),
  })
  .superRefine((s, ctx) => {
    if (s.remind_before_minutes >= s.hot_minutes && s.remind_before_minutes >= s.standard_minutes) {
      ctx.addIssue({ code: 'custom', path: ['remind_before_minutes'], message: 'must be shorter than the SLA it warns about' });
    }
  });
export type SlaSettings = z.infer<typeof SlaSchema>;

export const TeamSchema = z
  .object({
    sdrs: z.array(PersonSchema).min(1, { error: 'must name at least one SDR' }),
    team_lead: PersonSchema,
    aes: z.array(PersonSchema).min(1, { error: 'must name at least one account executive' }),
    /** How candidates get an owner: in turn (round_robin), or by the lead's country (territory, falling back to turns). */
    assignment: z.enum(['round_robin', 'territory']).default('round_robin'),
    sla: SlaSchema.default(SlaSchema.parse({})),
    /** The team's booking page, offered by the website chat when a visitor asks for a person, a meeting or prices. */
    scheduling_url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://cal.example.com/sales' })
      .optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Map<string, string>();
    const people: [string, Person][] = [
      ...t.sdrs.map((p, i) => [`sdrs.${i}`, p] as [string, Person]),
      ['team_lead', t.team_lead],
      ...t.aes.map((p, i) => [`aes.${i}`, p] as [string, Person]),
    ];
    for (const [path, p] of people) {
      const other = seen.get(p.id);
      // The team lead may also be an SDR; anyone else appears once per list.
      if (other && !(path === 'team_lead' || other === 'team_lead') && other.split('.')[0] === path.split('.')[0]) {
        ctx.addIssue({ code: 'custom', path: path.split('.'), message: `id ${p.id} appears twice (also at ${other})` });
      }
      if (!other) seen.set(p.id, path);
    }
  });
export type Team = z.infer<typeof TeamSchema>;

export class TeamFileError extends ValidationError {}

/** Validates a parsed team file, naming every problem at once. */
/** A validated team with its desk hours parsed. */
export type LoadedTeam = Team & { readonly deskHours: SendWindow };

export function parseTeam(value: unknown, source = 'the team file'): LoadedTeam {
  const r = TeamSchema.safeParse(value);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new TeamFileError(`${source} is not valid: ${problems.join('; ')}`, { problems });
  }
  return { ...r.data, deskHours: parseDeskHours(r.data.sla.hours, source) };
}

/** "09:00-18:00 Mon-Fri" -> a window (desk days and hours; public holidays of the team's country are skipped). */
export function parseDeskHours(spec: string, source = 'the team file'): SendWindow {
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})(?: (.+))?$/.exec(spec.trim());
  if (!m) throw new TeamFileError(`${source}: sla.hours must look like "09:00-18:00 Mon-Fri", got "${spec}"`, { field: 'sla.hours' });
  const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const days = new Set<number>();
  for (const part of (m[3] ?? 'Mon-Fri').split(',')) {
    const [a, b] = part.trim().toLowerCase().split('-');
    const from = DAYS.indexOf(a ?? '');
    const to = b === undefined ? from : DAYS.indexOf(b);
    if (from < 0 || to < 0) throw new TeamFileError(`${source}: sla.hours has an unknown day in "${part}"`, { field: 'sla.hours' });
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === to) break;
    }
  }
  const parsed = SendWindowSchema.safeParse({ start: m[1], end: m[2], days: [...days].sort(), skipHolidays: true });
  if (!parsed.success) throw new TeamFileError(`${source}: sla.hours "${spec}": ${parsed.error.issues.map((i) => i.message).join('; ')}`, { field: 'sla.hours' });
  return parsed.data;
}

/** Everyone who may decide candidates: the SDRs and the team lead. */
export function deciders(team: Team): Person[] {
  return [...team.sdrs, ...(team.sdrs.some((p) => p.id === team.team_lead.id) ? [] : [team.team_lead])];
}

/** May this person decide candidates (an SDR or the team lead)? The team file's answer to the SDR group. */
export function isDecider(team: Team, id: string): boolean {
  return id === team.team_lead.id || team.sdrs.some((p) => p.id === id);
}

export function findPerson(team: Team, id: string): Person | undefined {
  return [...team.sdrs, team.team_lead, ...team.aes].find((p) => p.id === id);
}

/**
 * Picks one person from `pool` for a lead: with territory assignment, the people whose territories
 * hold the lead's country (in turn among them), else everyone in turn. `turn` is a counter the caller
 * keeps (stored, so turns survive restarts); `exclude` skips a person (the owner who let it lapse):
 * someone else of the territory, else anyone else, else (alone on the team) that person again.
 */
export function pickPerson(pool: readonly Person[], input: { assignment: Team['assignment']; country: string | null; turn: number; exclude?: string | null }): Person {
  if (pool.length === 0) throw new ValidationError('nobody to assign: the list is empty');
  const code = countryCode(input.country);
  let candidates = pool;
  if (input.assignment === 'territory' && code) {
    const local = pool.filter((p) => p.territories.includes(code));
    if (local.length) candidates = local;
  }
  const without = (list: readonly Person[]) => (input.exclude ? list.filter((p) => p.id !== input.exclude) : list);
  // The territory's people first; when the excluded person was the only one, anyone else; else them.
  const from = [without(candidates), without(pool), candidates].find((l) => l.length > 0)!;
  const i = ((input.turn % from.length) + from.length) % from.length;
  return from[i]!;
}
