import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { deciders, isDecider, parseDeskHours, parseTeam, pickPerson, TeamFileError } from './team.ts';

const base = {
  sdrs: [
    { id: 'ana', name: 'Ana', territories: ['US', 'Canada'] },
    { id: 'ben', name: 'Ben', territories: ['DE'] },
    { id: 'cy', name: 'Cy' },
  ],
  team_lead: { id: 'lena', name: 'Lena' },
  aes: [{ id: 'omar', name: 'Omar', email: 'omar@example.com' }],
};

describe('team file', () => {
  it('parses the shipped demo team', () => {
    const team = parseTeam(parse(readFileSync(new URL('../../../config/team.yaml', import.meta.url), 'utf8')));
    expect(team.sdrs.length).toBeGreaterThan(1);
    expect(team.deskHours.days).toEqual([1, 2, 3, 4, 5]);
    expect(team.sla.hot_minutes).toBeLessThan(team.sla.standard_minutes);
  });

  it('normalises territories to country codes and fills SLA defaults', () => {
    const team = parseTeam(base);
    expect(team.sdrs[0]!.territories).toEqual(['US', 'CA']);
    expect(team.sla).toMatchObject({ hot_minutes: 15, standard_minutes: 240, summary_at: '09:00' });
    expect(deciders(team).map((p) => p.id)).toEqual(['ana', 'ben', 'cy', 'lena']);
    expect(['ana', 'lena', 'omar', 'nobody'].map((id) => isDecider(team, id))).toEqual([true, true, false, false]);
  });

  it('names every problem at once', () => {
    let err: unknown;
    try {
      parseTeam({ sdrs: [], team_lead: { id: 'bad id!', name: 'x' }, aes: [{ id: 'a', name: 'A', territories: ['Atlantis'] }], extra: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TeamFileError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/sdrs: must name at least one SDR/);
    expect(msg).toMatch(/team_lead\.id/);
    expect(msg).toMatch(/Atlantis/);
    expect(msg).toMatch(/extra/);
  });

  it('refuses the same id twice in one list', () => {
    expect(() => parseTeam({ ...base, sdrs: [...base.sdrs, { id: 'ana', name: 'Ana again' }] })).toThrow(/ana appears twice/);
  });

  it('reads desk hours', () => {
    expect(parseDeskHours('08:30-17:00 Mon-Thu,Sat')).toMatchObject({ start: '08:30', end: '17:00', days: [1, 2, 3, 4, 6] });
    expect(() => parseDeskHours('9-5')).toThrow(/sla.hours must look like/);
    expect(() => parseDeskHours('18:00-09:00')).toThrow(/end after it starts/);
  });
});

describe('pickPerson', () => {
  const team = parseTeam({ ...base, assignment: 'territory' });
  it('takes turns', () => {
    const ids = [0, 1, 2, 3].map((turn) => pickPerson(team.sdrs, { assignment: 'round_robin', country: 'US', turn }).id);
    expect(ids).toEqual(['ana', 'ben', 'cy', 'ana']);
  });
  it('prefers the territory, and everyone when nobody covers the country', () => {
    expect(pickPerson(team.sdrs, { assignment: 'territory', country: 'Germany', turn: 7 }).id).toBe('ben');
    expect(pickPerson(team.sdrs, { assignment: 'territory', country: 'FR', turn: 1 }).id).toBe('ben');
    expect(pickPerson(team.sdrs, { assignment: 'territory', country: null, turn: 2 }).id).toBe('cy');
  });
  it('skips the excluded person unless nobody else is left', () => {
    expect(pickPerson(team.sdrs, { assignment: 'territory', country: 'US', turn: 0, exclude: 'ana' }).id).not.toBe('ana');
    expect(pickPerson([team.sdrs[0]!], { assignment: 'round_robin', country: null, turn: 0, exclude: 'ana' }).id).toBe('ana');
  });
});
