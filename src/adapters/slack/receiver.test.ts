import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { App, ReceiverEvent } from '@slack/bolt';
import { silentLogger } from '../log.ts';
import { SlackSender } from '../../testing/fake-slack.ts';
import { FastifyReceiver } from './receiver.ts';

const SECRET = 'receiver-secret';

describe('the Fastify receiver for Bolt', () => {
  let server: FastifyInstance;
  let receiver: FastifyReceiver;
  let slack: SlackSender;
  let handle: (event: ReceiverEvent) => Promise<void>;
  const seen: ReceiverEvent[] = [];

  beforeEach(async () => {
    seen.length = 0;
    receiver = new FastifyReceiver({ signingSecret: SECRET, logger: silentLogger(), now: () => Date.now() });
    receiver.init({ processEvent: (e: ReceiverEvent) => (seen.push(e), handle(e)) } as unknown as App);
    server = Fastify();
    await server.register(receiver.plugin());
    // A sibling JSON route: the plugin's raw-body parsers must not leak out of its context.
    server.post('/other', async (req) => ({ got: req.body }));
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    slack = new SlackSender(`${url}/slack/events`, SECRET);
  });
  afterEach(async () => {
    await receiver.stop();
    await server.close();
  });

  it('answers with what the listener acked, as soon as it acks', async () => {
    let release!: () => void;
    const later = new Promise<void>((r) => (release = r));
    handle = async (e) => {
      await e.ack({ response_action: 'errors', errors: { reason: 'Pick a reason.' } });
      await later; // the listener goes on working after its ack
    };
    const res = await slack.interaction({ type: 'view_submission', view: { callback_id: 'x' } });
    expect(res).toEqual({ status: 200, body: { response_action: 'errors', errors: { reason: 'Pick a reason.' } } });
    let settled = false;
    const done = receiver.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await done;
    expect(seen[0]?.body).toMatchObject({ type: 'view_submission' });
  });

  it('a slash command arrives as its form fields; a listener that fails before acking gets a 500', async () => {
    handle = async (e) => {
      if ((e.body as { text?: string }).text === 'boom') throw new Error('listener failed');
      await e.ack();
    };
    expect((await slack.command({ command: '/baton', text: 'stats', user_id: 'U1' })).status).toBe(200);
    expect(seen[0]?.body).toMatchObject({ command: '/baton', text: 'stats', user_id: 'U1' });
    const failed = await slack.command({ command: '/baton', text: 'boom', user_id: 'U1' });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ error: { code: 'SLACK_HANDLER_FAILED' } });
  });

  it('a body that is not a Slack payload is a 400; ssl_check needs no signature', async () => {
    handle = async () => undefined;
    expect((await slack.post('{not json', 'application/json')).status).toBe(400);
    const ssl = await fetch(slack['endpoint'], { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ssl_check=1&token=x' });
    expect(ssl.status).toBe(200);
    expect(seen).toHaveLength(0);
  });

  it('leaves JSON parsing of other routes alone', async () => {
    const res = await server.inject({ method: 'POST', url: '/other', payload: { a: 1 } });
    expect(res.json()).toEqual({ got: { a: 1 } });
  });
});
