import { mergeLeadFields } from '../../domain/lead.ts';
import type { LeadInput } from '../../domain/lead-input.ts';
import type { LeadUpsert } from '../../adapters/db/store/leads.ts';
import { toLeadUpsert } from '../leads.ts';

/** One person of a batch: the merged fields of every row with their address, and the touch to record. */
export interface BatchEntry {
  upsert: LeadUpsert;
  campaign: string | null;
  partner: string | null;
  /** Line of the first row with this address. */
  line: number;
  lastLine: number;
}

/**
 * The rows of one batch, unique by normalised email. A row whose address is already in the batch is
 * merged into it by the store's rule (domain/lead.ts mergeLeadFields: the first known value wins, later
 * rows fill gaps; attributes likewise), so the batch lands as one statement with one row per person.
 */
export class LeadBatch {
  private readonly entries = new Map<string, BatchEntry>();

  constructor(private readonly defaults: { campaign: string | null; partner: string | null }) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds a valid row; returns false when it was merged into an earlier row of the batch. */
  add(line: number, input: LeadInput): boolean {
    const upsert = toLeadUpsert(input);
    const campaign = input.campaign ?? this.defaults.campaign;
    const partner = input.partner ?? this.defaults.partner;
    const prev = this.entries.get(upsert.email);
    if (!prev) {
      this.entries.set(upsert.email, { upsert, campaign, partner, line, lastLine: line });
      return true;
    }
    const { merged } = mergeLeadFields(prev.upsert, upsert);
    prev.upsert = { ...prev.upsert, ...merged, attributes: { ...upsert.attributes, ...prev.upsert.attributes } };
    prev.campaign ??= campaign;
    prev.partner ??= partner;
    prev.lastLine = line;
    return false;
  }

  list(): BatchEntry[] {
    return [...this.entries.values()];
  }
}
