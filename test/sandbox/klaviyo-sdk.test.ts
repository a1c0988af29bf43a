// The Klaviyo emulator driven by Klaviyo's official Node SDK (klaviyo-api, a dev dependency): what
// the SDK sends (its own revision header, Content-Type application/json, Klaviyo-API-Key) must be
// taken as Klaviyo takes it: 202.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startKlaviyoEmulator } from '../../sandbox/index.ts';

// A devDependency: `npm ci` installs it. A worktree sharing an older node_modules skips, saying why.
const sdk = await import('klaviyo-api').catch(() => null);
const skip = sdk ? false : 'klaviyo-api is not installed here: run npm ci';

const KEY = 'pk_sdk_test';

describe('Klaviyo emulator through the klaviyo-api SDK', { skip }, () => {
  const { ApiKeySession, EventsApi, EventEnum, MetricEnum, ProfileEnum } = (sdk ?? {}) as NonNullable<typeof sdk>;
  let emu: Awaited<ReturnType<typeof startKlaviyoEmulator>>;
  let events: InstanceType<typeof EventsApi>;
  before(async () => {
    emu = await startKlaviyoEmulator({ apiKeys: [KEY] });
    events = new EventsApi(new ApiKeySession(KEY));
    events.basePath = emu.url;
  });
  after(() => emu.close());

  it('createEvent → 202, recorded once', async () => {
    const res = await events.createEvent({
      data: {
        type: EventEnum.Event,
        attributes: {
          properties: { OrderId: '5000' },
          value: 39.98,
          uniqueId: 'sdk-1',
          metric: { data: { type: MetricEnum.Metric, attributes: { name: 'Refunded Order' } } },
          profile: { data: { type: ProfileEnum.Profile, attributes: { email: 'sdk@example.com' } } },
        },
      },
    });
    assert.equal(res.response.status, 202);
    assert.equal(emu.state.events.length, 1);
    assert.deepEqual([emu.state.events[0].metric, emu.state.events[0].email, emu.state.events[0].uniqueId, emu.state.events[0].value], ['Refunded Order', 'sdk@example.com', 'sdk-1', 39.98]);
  });

  it('what the SDK sends: its revision, Content-Type application/json, the key as Klaviyo-API-Key', async () => {
    let seen: http.IncomingHttpHeaders = {};
    const server = http.createServer((req, res) => {
      seen = req.headers;
      req.resume();
      req.on('end', () => res.writeHead(202).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const spy = new EventsApi(new ApiKeySession(KEY));
      spy.basePath = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await spy.createEvent({
        data: { type: EventEnum.Event, attributes: { properties: {}, metric: { data: { type: MetricEnum.Metric, attributes: { name: 'm' } } }, profile: { data: { type: ProfileEnum.Profile, attributes: { email: 'a@example.com' } } } } },
      });
    } finally {
      server.close();
    }
    assert.match(String(seen['content-type']), /^application\/json\b/);
    assert.match(String(seen.revision), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(seen.authorization, `Klaviyo-API-Key ${KEY}`);
  });
});
