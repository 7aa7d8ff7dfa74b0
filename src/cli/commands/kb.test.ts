import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAnswer } from './kb.ts';

/** The real `baton kb` in a child process, on an embedded database in a temporary directory. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'baton-kb-cli-'));
const knowledge = join(work, 'knowledge');
cpSync(join(root, 'knowledge'), knowledge, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

function baton(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, BATON_DATA_DIR: join(work, 'db'), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.BATON_CONFIG;
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin/baton.js'), ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('baton kb', () => {
  it('says the knowledge base is empty before a load, then loads, answers with sources, and refuses what it does not cover', async () => {
    const empty = await baton('kb', 'ask', 'Are you SOC 2 compliant?');
    expect(empty).toMatchObject({ code: 0, stdout: 'no answer: the knowledge base is empty; load it with `baton kb load --dir <dir>`\n' });

    const load = await baton('kb', 'load', '--dir', knowledge);
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).toMatch(new RegExp(`^knowledge loaded from ${knowledge}: 5 added, 0 updated, 0 removed, 0 unchanged; \\d+ passages\\n$`));

    const ask = await baton('kb', 'ask', 'Where is our data stored?');
    expect(ask.code, ask.stderr).toBe(0);
    expect(ask.stdout).toContain('Customer data is stored in the region you choose');
    expect(ask.stdout).toContain('(Source: Security and compliance > Data residency)');
    expect(ask.stdout).toMatch(/sources:\n {2}security\.md#data-residency {2}\(security\.md#\d+\)\n$/);

    const zh = await baton('kb', 'ask', '你们支持企业微信吗？', '--json');
    expect(JSON.parse(zh.stdout)).toMatchObject({ kind: 'answer', sources: [{ documentId: 'zh/faq.md' }] });

    const no = await baton('kb', 'ask', 'Do you support SAP Ariba?');
    expect(no).toMatchObject({ code: 0, stdout: 'no answer: nothing relevant in the knowledge base; a person should follow up\n' });

    unlinkSync(join(knowledge, 'integrations.md'));
    const again = await baton('kb', 'load', '--dir', knowledge, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, removed: 1, unchanged: 4 });
  }, 120_000);

  it('exits 2 with a clear message for a missing directory or a bad --lang', async () => {
    const missing = await baton('kb', 'load', '--dir', join(work, 'nope'));
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain(`baton: knowledge directory ${join(work, 'nope')} does not exist`);
    const lang = await baton('kb', 'ask', 'hello', '--lang', 'fr');
    expect(lang).toMatchObject({ code: 2, stderr: 'baton: --lang "fr" is not a language; use en or zh\n' });
  }, 60_000);
});

describe('describeAnswer', () => {
  it('renders sources with their anchors in Chinese too', () => {
    const text = describeAnswer(
      { kind: 'answer', text: '支持。', sources: [{ passageId: 'zh/faq.md#3', documentId: 'zh/faq.md', title: '常见问题', heading: '常见问题 > 支持哪些集成', anchor: '支持哪些集成' }] },
      'zh',
    );
    expect(text).toBe('支持。（来源：常见问题 > 支持哪些集成）\n\nsources:\n  zh/faq.md#支持哪些集成  (zh/faq.md#3)');
  });
});
