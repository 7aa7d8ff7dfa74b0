import type { Config } from '../../config/schema.ts';

/** What decides whether the demo loop runs. */
export type DemoSwitch = Pick<Config, 'BATON_DEMO' | 'DATABASE_URL' | 'SMTP_URL' | 'SLACK_BOT_TOKEN'>;

/**
 * BATON_DEMO=on runs the demo, off never does; auto runs it only on embedded defaults (no
 * DATABASE_URL, no SMTP_URL, no SLACK_BOT_TOKEN), so a fresh clone shows the whole loop while an
 * install pointed at a real database, mail server or workspace never gets demo people in it.
 */
export function shouldRunDemo(config: DemoSwitch): boolean {
  if (config.BATON_DEMO === 'on') return true;
  if (config.BATON_DEMO === 'off') return false;
  return !config.DATABASE_URL && !config.SMTP_URL && !config.SLACK_BOT_TOKEN;
}
