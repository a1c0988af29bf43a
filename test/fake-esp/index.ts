// A fourth ESP, written as a maintainer would add one: this folder is copied to src/esp/fake/ and
// one line is added to src/esp/registry.ts (test/esp/fake-esp.test.ts). Its secret is a body key
// named `key`, so the test also shows that redaction is per ESP: Rule's `{key: …}` fields stay.
import { z } from 'zod';
import { REDACTED } from '../../config/secret.ts';
import { createAgents, httpExchange, mapHttpResult, rawErrorText } from '../../delivery/http.ts';
import { commonPluginFields } from '../common-settings.ts';
import { toggledName, type EspModule } from '../plugin.ts';

const fakeSettingsSchema = z.object({ esp: z.literal('fake'), ...commonPluginFields, campaign: z.string().default('default') }).strict();
type FakeSettings = z.infer<typeof fakeSettingsSchema>;

export const fakeEsp: EspModule<'fake', FakeSettings> = {
  name: 'fake',
  settingsSchema: fakeSettingsSchema,
  triggerName: (emailType, _recipient, _kind, s) => toggledName(s.emails[emailType], `fake-${emailType}`),
  buildRequest: (intent, s) => ({
    method: 'POST',
    url: `${s.baseUrl ?? 'https://fake.invalid'}/send`,
    headers: { 'content-type': 'application/json' },
    body: { key: REDACTED, campaign: s.campaign, email: intent.to, trigger: `fake-${intent.emailType}`, ref: intent.key },
  }),
  createTransport: (deps) => {
    const agents = createAgents();
    return {
      esp: 'fake',
      async send(delivery, signal) {
        const key = deps.secret(deps.settings(delivery.plugin).apiKey);
        const body = JSON.stringify({ ...(delivery.request.body as object), key });
        const result = await httpExchange({ method: 'POST', url: delivery.request.url, headers: delivery.request.headers, body }, { timeoutMs: deps.timeoutMs, signal, agents });
        return mapHttpResult(result, { now: new Date(), secrets: [key], errorText: rawErrorText });
      },
    };
  },
  delivery: { retry: { idempotent: true }, limits: { rates: [{ limit: 100, intervalMs: 1_000 }] } },
  secrets: { body: ['key'] },
};
