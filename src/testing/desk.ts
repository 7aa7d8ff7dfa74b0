import { parseTeam, type LoadedTeam } from '../domain/desk/team.ts';

/** A small team for tests: SDRs U1-U3 (U1 covers the US, U2 Germany), team lead UL, AEs UA1 and UA2. */
export function testTeam(overrides: Record<string, unknown> = {}): LoadedTeam {
  return parseTeam({
    sdrs: [
      { id: 'U1', name: 'Ana', email: 'ana@team.test', territories: ['US'] },
      { id: 'U2', name: 'Ben', email: 'ben@team.test', territories: ['DE'] },
      { id: 'U3', name: 'Cy', email: 'cy@team.test' },
    ],
    team_lead: { id: 'UL', name: 'Lena', email: 'lena@team.test' },
    aes: [
      { id: 'UA1', name: 'Omar', email: 'omar@team.test' },
      { id: 'UA2', name: 'Sofia', email: 'sofia@team.test' },
    ],
    assignment: 'round_robin',
    ...overrides,
  });
}
