import { parseTeam, type LoadedTeam } from '../domain/desk/team.ts';
import type { Qualification } from '../domain/qualify/types.ts';
import { blankQualification } from './engines.ts';

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

/** A scripted engine's answer that makes an MQL candidate: budget, authority and need met, each with its quote. */
export function candidateAnswer(score = 82): Qualification {
  return {
    ...blankQualification(),
    intent: 'interested',
    bant: {
      budget: { status: 'met', evidence: 'a budget of $40k', amount: 40000, currency: 'USD' },
      authority: { status: 'met', evidence: 'I am the VP of Sales', role: 'VP of Sales' },
      need: { status: 'met', evidence: 'We need a tool for this' },
      timeline: { status: 'unknown' },
    },
    mql: true,
    score,
    route: 'candidate',
  };
}
