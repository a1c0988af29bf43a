// Start-up check of the fallback templates (esp-bridge check-config): every store's template set
// compiles, and renders every email type in every language against a sample email without a
// missing translation or an output that comes out empty.
import type { FallbackSettings } from './settings.ts';
import { EMAIL_TYPES, type EmailType } from '../../emails/catalog.ts';
import { LANGUAGES } from './i18n.ts';
import { loadTemplateSet } from './templates.ts';
import type { EmailView } from './view-model.ts';

/** A complete view of every part an email can have, for rendering templates without an event. */
export function sampleView(type: EmailType, lang: string, storeName = 'Sample Store'): EmailView {
  const hasOrder = !['buyer_created', 'forgot_email', 'invoice', 'creditnote'].includes(type);
  const isInvoice = type === 'invoice' || type === 'creditnote';
  return {
    type,
    recipient: 'buyer',
    isCopy: false,
    lang,
    store: { name: storeName, email: 'shop@example.com', url: 'https://shop.example.com' },
    brand: { logoUrl: 'https://shop.example.com/logo.png', primaryColor: '#111111', accentColor: '#aa5500', footerText: 'Sample footer' },
    ref: '1001',
    subject: '',
    heading: `Heading ${type}`,
    intro: `Intro ${type}`,
    greetingName: 'Alex',
    copyNote: 'Copy note',
    link: 'https://shop.example.com/link',
    message: 'A message',
    meta: [{ label: 'Order number', value: '1001' }],
    lines: [{ name: 'Shirt', variant: 'Blue', size: 'M', sku: 'SKU1', quantity: 2, unitPrice: '10.00 EUR', originalUnitPrice: '12.00 EUR', amount: '20.00 EUR', comment: 'Note', details: 'Blue · Size M · SKU SKU1' }],
    totals: [{ label: 'Total', value: '20.00 EUR', strong: true }],
    total: '20.00 EUR',
    addresses: [{ label: 'Address', lines: ['Alex Doe', 'Street 1', '111 22 Town'] }],
    actions: [{ label: 'Open', url: 'https://shop.example.com/action' }],
    order: hasOrder
      ? { number: '1001', date: '2024-07-09 11:44', poNumber: 'PO-1', deliveryWindow: 'Spring', paymentTerms: '30 days', shippingTerms: 'DAP', paymentMethod: 'Invoice', shippingMethod: 'DHL', currency: 'EUR', account: 'Account', buyer: 'Alex Doe' }
      : null,
    shipment: type === 'shipment' ? { number: '1001-1', trackingNumber: 'TRACK1', trackingUrl: 'https://track.example.com/TRACK1', carrier: 'DHL', packages: 1, shippedAt: '2024-07-10 10:00' } : null,
    invoice: isInvoice ? { number: '55', kind: type, date: '2024-07-09 12:03', link: 'https://shop.example.com/invoice/55', payLink: 'https://shop.example.com/pay/55' } : null,
  };
}

/** Problems of one template folder ('' = built-in): compile errors, then sample renders. */
export function checkTemplateDir(dir: string): string[] {
  const set = loadTemplateSet(dir);
  const problems = [...set.problems];
  for (const type of EMAIL_TYPES) {
    for (const lang of LANGUAGES) {
      for (const isCopy of [false, true]) {
        const view = { ...sampleView(type, lang), isCopy, recipient: isCopy ? ('sales_rep' as const) : ('buyer' as const) };
        const found: string[] = [];
        const compiled = set.get(type);
        try {
          const subject = compiled.subject(view, { lang, problems: found }).trim();
          if (!subject) found.push(`${type}.subject.hbs rendered an empty subject`);
          compiled.html({ ...view, subject }, { lang, problems: found });
          compiled.text({ ...view, subject }, { lang, problems: found });
        } catch (e) {
          found.push(`${type}: ${(e as Error).message.split('\n')[0]}`);
        }
        for (const p of found) problems.push(`${p} (${lang}${isCopy ? ', sales-rep copy' : ''})`);
      }
    }
  }
  return [...new Set(problems)];
}

/** Every problem of the fallback templates the config uses, prefixed with the store; [] = all good. */
export function checkFallbackTemplates(config: { stores: readonly { id: number; fallback: Pick<FallbackSettings, 'templatesDir'> }[] }): string[] {
  const out: string[] = checkTemplateDir('').map((p) => `built-in templates: ${p}`);
  for (const store of config.stores) {
    const dir = store.fallback.templatesDir;
    if (!dir) continue;
    for (const p of checkTemplateDir(dir)) out.push(`store ${store.id} templatesDir ${dir}: ${p}`);
  }
  return out;
}
