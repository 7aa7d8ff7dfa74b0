import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCaseLines } from '../../app/eval/case.ts';
import { DEFAULT_MQL_RULE, isMql, mqlRuleOf } from './mql.ts';
import { DEFAULT_SCORING_POLICY, parseScoringPolicy, policyCoversAllIntents, ScoringPolicyError } from './policy.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FILE = join(ROOT, 'config', 'scoring-policy.yaml');
const text = readFileSync(FILE, 'utf8');

/** The problems a broken policy text gives, or fails the test when it parses. */
function problems(source: string): readonly string[] {
  try {
    parseScoringPolicy(source, 'broken.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScoringPolicyError);
    const err = e as ScoringPolicyError;
    expect(err.message).toContain('broken.yaml');
    expect(err.message).toContain('BATON_SCORING_POLICY');
    return err.problems;
  }
  throw new Error('the broken policy parsed');
}

describe('the shipped scoring policy file', () => {
  it('parses, validates and equals the in-code default', () => {
    const policy = parseScoringPolicy(text, FILE);
    expect(policy).toEqual(DEFAULT_SCORING_POLICY);
    expect(policyCoversAllIntents(policy)).toBe(true);
  });

  it('states exactly the eval contract MQL rule', () => {
    expect(mqlRuleOf(DEFAULT_SCORING_POLICY)).toEqual(DEFAULT_MQL_RULE);
  });

  it('reads the same policy written as JSON', () => {
    expect(parseScoringPolicy(JSON.stringify(DEFAULT_SCORING_POLICY), 'policy.json')).toEqual(DEFAULT_SCORING_POLICY);
  });
});

describe('a broken policy file', () => {
  it('names the line of bad YAML', () => {
    const [p] = problems(text.replace('bant:\n', 'bant:\n  budget: [met: 20\n'));
    expect(p).toMatch(/not valid YAML at line \d+, column \d+/);
  });

  it('rejects a duplicate key', () => {
    expect(problems(`${text}\nversion: again\n`)[0]).toMatch(/not valid YAML/);
  });

  it('rejects an empty file or a list', () => {
    expect(problems('')[0]).toMatch(/must be a mapping/);
    expect(problems('- a\n- b\n')[0]).toMatch(/must be a mapping/);
  });

  it('names an unknown key and says to fix its spelling', () => {
    const p = problems(text.replace('  candidate: 60\n', '  candidate: 60\n  qualified: 80\n'));
    expect(p).toEqual(['thresholds: unknown key "qualified"; check the spelling or remove it']);
    expect(problems(text.replace('engagement:\n', 'engagment:\n'))).toEqual([
      'engagement: missing; add it (the shipped config/scoring-policy.yaml shows its shape)',
      '(top level): unknown key "engagment"; check the spelling or remove it',
    ]);
  });

  it('rejects thresholds in the wrong order', () => {
    const p = problems(text.replace('  candidate: 60\n  nurture: 30\n', '  candidate: 40\n  nurture: 50\n'));
    expect(p).toEqual(['thresholds.nurture: must be below thresholds.candidate (nurture is 50, candidate 40); lower nurture or raise candidate']);
  });

  it('rejects thresholds outside 0-100', () => {
    expect(problems(text.replace('  nurture: 30\n', '  nurture: -5\n'))).toEqual(['thresholds.nurture: must be a score from 0 to 100 (got -5)']);
  });

  it('rejects weights of the wrong type, naming the field and the value', () => {
    const p = problems(text.replace('budget: { met: 20,', 'budget: { met: "twenty",'));
    expect(p).toEqual(['bant.budget.met: must be a number of points, e.g. 5 or -10 (got "twenty")']);
  });

  it('rejects a missing intent and an unknown intent', () => {
    expect(problems(text.replace('  question: 5\n', ''))).toEqual(['intent.question: missing; add it (the shipped config/scoring-policy.yaml shows its shape)']);
    expect(problems(text.replace('  question: 5\n', '  question: 5\n  curious: 3\n'))[0]).toMatch(/^intent: unknown key "curious"/);
    expect(problems(text.replace('[not_interested, unsubscribe, out_of_office, bounce]', '[not_interested, spam]'))[0]).toMatch(/^mql\.blocking_intents\.1: .*interested/);
  });

  it('rejects a grade that is not A-D, a bad country code and an inverted size range', () => {
    expect(problems(text.replace('near: A,', 'near: A+,'))[0]).toMatch(/^grade\.matrix\.strong\.near: /);
    expect(problems(text.replace('codes: [US,', 'codes: [USA,'))[0]).toMatch(/^fit\.countries\.codes\.0: must be an ISO 3166 alpha-2 code/);
    expect(problems(text.replace('min: 50, max: 5000', 'min: 5000, max: 50'))).toEqual(['fit.employees.min: must not be above fit.employees.max']);
  });

  it('lists every problem at once', () => {
    const p = problems(text.replace('budget: { met: 20,', 'budget: { met: "x",').replace('  nurture: 30\n', '  nurture: 90\n'));
    expect(p).toHaveLength(2);
  });
});

// The shared sample (../shared/evals/sample.jsonl from the repository root), when present, and the dev set.
const DATASETS = [join(ROOT, '..', 'shared', 'evals', 'sample.jsonl'), join(ROOT, 'evals', 'datasets', 'dev.jsonl')].filter((p) => existsSync(p));

describe('the default policy MQL rule on the expected labels', () => {
  it.each(DATASETS)('equals each expected mql of %s', (path) => {
    const rule = mqlRuleOf(parseScoringPolicy(text, FILE));
    const cases = parseCaseLines(readFileSync(path, 'utf8'));
    expect(cases.length).toBeGreaterThan(0);
    for (const line of cases) {
      if (!('case' in line)) throw new Error(`${path} line ${line.line}: ${line.error}`);
      const { expected } = line.case;
      expect(isMql(expected.intent, expected.bant, rule), line.id).toBe(expected.mql);
    }
  });
});
