import type { AppDeps } from '../deps.ts';
import { listLeadFunnelFacts } from '../../adapters/db/store/report.ts';
import { buildFunnel, type FunnelGrouping, type FunnelReport } from '../../domain/report/funnel.ts';

export interface FunnelReportOptions {
  /** Cohort start: only leads created at or after it count. Default: every lead. */
  since?: Date;
  by: FunnelGrouping;
}

/**
 * `baton report funnel`: leads -> contacted -> replied -> MQL candidate -> MQL -> SQL -> won, per
 * source, campaign, sequence or deciding SDR, with conversion rates, time to first touch and time to
 * decision. The cohort is the leads created since `since`; what they did later counts whenever it happened.
 */
export async function funnelReport(deps: Pick<AppDeps, 'db' | 'clock'>, options: FunnelReportOptions): Promise<FunnelReport> {
  const facts = await listLeadFunnelFacts(deps.db, options.since ? { since: options.since } : {});
  const { rows, total } = buildFunnel(facts, options.by);
  return { by: options.by, since: options.since?.toISOString() ?? null, generatedAt: deps.clock.now().toISOString(), rows, total };
}
