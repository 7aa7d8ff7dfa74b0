import type { EngineInfo, Qualification, QualificationEngine, QualifyInput } from '../domain/qualify/types.ts';

const UNKNOWN = { status: 'unknown' } as const;

/** A qualification with nothing known, for tests to override. */
export function blankQualification(engine: Partial<EngineInfo> = {}): Qualification {
  return {
    intent: 'question',
    bant: { budget: { ...UNKNOWN }, authority: { ...UNKNOWN }, need: { ...UNKNOWN }, timeline: { ...UNKNOWN } },
    mql: false,
    score: 0,
    reasons: [],
    confidence: 0.5,
    flags: [],
    engine: { name: 'scripted', version: 'test', model: null, prompt_version: null, ...engine },
  };
}

/** An engine that answers from a function and records its inputs. */
export class ScriptedEngine implements QualificationEngine {
  readonly inputs: QualifyInput[] = [];
  constructor(
    readonly name = 'scripted',
    private readonly answer: (input: QualifyInput) => Qualification = () => blankQualification(),
  ) {}
  async qualify(input: QualifyInput): Promise<Qualification> {
    this.inputs.push(input);
    return this.answer(input);
  }
}
