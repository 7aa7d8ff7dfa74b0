import type { Qualification, QualificationEngine, QualifyInput } from './types.ts';

/**
 * The offline engine first; the model only where the offline engine is unsure (its confidence below
 * `minConfidence`, or flagged low_confidence). Saves model calls on the clear cases, which are most.
 */
export class HybridEngine implements QualificationEngine {
  readonly name = 'hybrid';
  constructor(
    private readonly offline: QualificationEngine,
    private readonly model: QualificationEngine,
    private readonly minConfidence: number,
  ) {}

  async qualify(input: QualifyInput): Promise<Qualification> {
    const first = await this.offline.qualify(input);
    if (first.confidence >= this.minConfidence && !first.flags.includes('low_confidence')) {
      return { ...first, flags: [...first.flags, 'hybrid:offline'] };
    }
    const second = await this.model.qualify(input);
    return { ...second, flags: [...second.flags, 'hybrid:model', `hybrid:offline_confidence=${first.confidence.toFixed(2)}`] };
  }
}
