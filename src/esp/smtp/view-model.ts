// What a fallback template sees: one plain, fully formatted object per email, the same shape for
// every email type (absent parts are null or empty lists), so templates never do arithmetic.
import type { FallbackStore } from './settings.ts';
import { lineValue, taxByRate, totalsOf } from '../../domain/amounts.ts';
import { countryName, personName, regionName } from '../../domain/address.ts';
import { includedTax, roundTo, sum, ZERO, type Decimal } from '../../domain/money.ts';
import type { Address, Invoice, Line, Order } from '../../domain/types.ts';
import type { EmailType, Recipient } from '../../emails/catalog.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import { orderOf } from '../../domain/event.ts';
import { renderInvoiceMessage } from '../../emails/invoice-message.ts';
import { shipmentShippingTax, trackingUrl } from '../../emails/shipping.ts';
import { formatDateTime, formatMoney, formatPercent } from './format.ts';
import { translator } from './i18n.ts';
import type { Branding } from './settings.ts';

export interface Row {
  label: string;
  value: string;
}
export interface TotalRow extends Row {
  strong: boolean;
}
export interface LineView {
  name: string;
  variant: string;
  size: string;
  sku: string;
  quantity: number;
  unitPrice: string;
  /** Unit price before discount, '' when not discounted. */
  originalUnitPrice: string;
  amount: string;
  comment: string;
  /** "Variant · Size M · SKU 123": the line's details in one string ('' when none). */
  details: string;
}
export interface AddressView {
  label: string;
  lines: string[];
}
export interface Action {
  label: string;
  url: string;
}

export interface EmailView {
  type: EmailType;
  recipient: Recipient;
  /** A sales-rep copy. */
  isCopy: boolean;
  /** The language code the email is written in ("en", "sv", "de"). */
  lang: string;
  store: { name: string; email: string; url: string };
  brand: Branding & { footerText: string };
  /** Order number, or invoice number: what subjects and intros name. */
  ref: string;
  /** The subject line (set once the subject template has rendered; '' while it renders). */
  subject: string;
  /** Heading and first paragraph of the email type, translated. */
  heading: string;
  intro: string;
  /** The recipient's first name or the sales rep's name ('' = a greeting without a name). */
  greetingName: string;
  /** Sales-rep copies: the note naming the account and the original recipient ('' otherwise). */
  copyNote: string;
  /** Set-password or reset link ('' when none). */
  link: string;
  /** Cancel reason, shipment note or invoice message ('' when none). */
  message: string;
  /** Facts about the order / shipment / invoice, only those that are known. */
  meta: Row[];
  lines: LineView[];
  totals: TotalRow[];
  /** The grand total alone (also in `totals`), '' when the email has no amounts. */
  total: string;
  addresses: AddressView[];
  /** Buttons: set password, track shipment, download or pay an invoice. */
  actions: Action[];
  order: {
    number: string;
    date: string;
    poNumber: string;
    deliveryWindow: string;
    paymentTerms: string;
    shippingTerms: string;
    paymentMethod: string;
    shippingMethod: string;
    currency: string;
    account: string;
    buyer: string;
  } | null;
  shipment: { number: string; trackingNumber: string; trackingUrl: string; carrier: string; packages: number; shippedAt: string } | null;
  invoice: { number: string; kind: 'invoice' | 'creditnote'; date: string; link: string; payLink: string } | null;
}

type T = ReturnType<typeof translator>;

const shippingMethod = (c: { carrier: string; service: string }) => [c.carrier, c.service].filter(Boolean).join(' – ');

function addressLines(a: Address): string[] {
  return [
    a.company,
    personName(a),
    a.address1,
    a.address2,
    [a.zip, a.city].filter(Boolean).join(' '),
    regionName(a),
    countryName(a) || a.country?.code || '',
    a.email,
    a.phone,
  ].filter((s) => s && s.trim());
}

function addressView(label: string, a: Address): AddressView[] {
  const lines = addressLines(a);
  return lines.length ? [{ label, lines }] : [];
}

function row(label: string, value: string | number | null | undefined): Row[] {
  return value === null || value === undefined || value === '' ? [] : [{ label, value: String(value) }];
}

function details(parts: { variant: string; size: string; sku: string }, t: T): string {
  return [parts.variant, parts.size ? `${t('label.size')} ${parts.size}` : '', parts.sku ? `${t('label.sku')} ${parts.sku}` : ''].filter(Boolean).join(' · ');
}

function lineView(l: Line, currency: string, lang: string, t: T): LineView {
  const discounted = l.unitOriginalPrice.greaterThan(l.unitPrice);
  const base = { variant: l.variantName, size: l.sizeLabel || l.sizeName, sku: l.sku };
  return {
    name: l.productName,
    ...base,
    quantity: l.quantity,
    unitPrice: formatMoney(l.unitPrice, currency, lang),
    originalUnitPrice: discounted ? formatMoney(l.unitOriginalPrice, currency, lang) : '',
    amount: formatMoney(lineValue(l), currency, lang),
    comment: l.comment,
    details: details(base, t),
  };
}

/** Tax per rate over the lines, with the shipping tax joined to the rate it was charged at. */
function taxRows(lines: Line[], shipping: Decimal, shippingTax: Decimal): { percent: Decimal; tax: Decimal }[] {
  const groups = taxByRate(lines).map((g) => ({ ...g }));
  if (shippingTax.greaterThan(0) && shipping.greaterThan(shippingTax)) {
    const rate = roundTo(shippingTax.times(100).dividedBy(shipping.minus(shippingTax)), 0);
    const group = groups.find((g) => roundTo(g.percent, 0).equals(rate));
    if (group) group.tax = group.tax.plus(shippingTax);
    else groups.push({ percent: rate, tax: shippingTax });
  }
  return groups.filter((g) => g.tax.greaterThan(0));
}

interface Amounts {
  lines: Line[];
  shipping: Decimal;
  shippingTax: Decimal;
  handling: Decimal;
  totalLabel: string;
}

function orderTotals(order: Order, a: Amounts, lang: string, t: T): { rows: TotalRow[]; total: string } {
  const money = (d: Decimal) => formatMoney(d, order.currency, lang);
  const sums = totalsOf(a.lines);
  const total = sums.value.plus(a.shipping).plus(a.handling);
  const rows: TotalRow[] = [{ label: t('label.subtotal'), value: money(sums.value), strong: false }];
  if (sums.discount.greaterThan(0)) rows.push({ label: t('label.discount'), value: money(sums.discount), strong: false });
  rows.push({ label: t('label.shipping'), value: money(a.shipping), strong: false });
  if (!a.handling.isZero()) rows.push({ label: t('label.handling'), value: money(a.handling), strong: false });
  rows.push({ label: a.totalLabel, value: money(total), strong: true });
  for (const g of taxRows(a.lines, a.shipping, a.shippingTax)) rows.push({ label: t('label.tax', { rate: formatPercent(g.percent, lang) }), value: money(g.tax), strong: false });
  return { rows, total: money(total) };
}

function orderFacts(order: Order): NonNullable<EmailView['order']> {
  const buyer = order.buyer ? personName(order.buyer) || order.buyer.email : order.customer ? personName(order.customer) || order.customer.email : '';
  return {
    number: String(order.number),
    date: formatDateTime(order.createdAt),
    poNumber: order.purchaseOrderNumber,
    deliveryWindow: order.deliveryWindows.join(', '),
    paymentTerms: order.account?.paymentTerms ?? '',
    shippingTerms: order.account?.shippingTerms ?? '',
    paymentMethod: order.paymentMethod,
    shippingMethod: order.shippingOption || shippingMethod(order.carrier),
    currency: order.currency,
    account: order.account?.name ?? '',
    buyer,
  };
}

function orderMeta(o: NonNullable<EmailView['order']>, t: T): Row[] {
  return [
    ...row(t('label.orderNumber'), o.number),
    ...row(t('label.orderDate'), o.date),
    ...row(t('label.poNumber'), o.poNumber),
    ...row(t('label.account'), o.account),
    ...row(t('label.buyer'), o.buyer),
    ...row(t('label.deliveryWindow'), o.deliveryWindow),
    ...row(t('label.paymentMethod'), o.paymentMethod),
    ...row(t('label.paymentTerms'), o.paymentTerms),
    ...row(t('label.shippingMethod'), o.shippingMethod),
    ...row(t('label.shippingTerms'), o.shippingTerms),
  ];
}

function invoiceView(inv: Invoice, lang: string, t: T): Pick<EmailView, 'meta' | 'lines' | 'totals' | 'total' | 'addresses' | 'actions' | 'invoice'> {
  const money = (d: Decimal) => formatMoney(d, inv.currency, lang);
  const lines: LineView[] = inv.lines.map((l) => {
    const base = { variant: l.variantName, size: l.size, sku: l.productNumber };
    const discounted = l.unitOriginalPrice.greaterThan(l.unitPrice);
    return {
      name: l.productName,
      ...base,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice),
      originalUnitPrice: discounted ? money(l.unitOriginalPrice) : '',
      amount: money(roundTo(l.unitPrice.times(l.quantity))),
      comment: '',
      details: details(base, t),
    };
  });
  const values = inv.lines.map((l) => roundTo(l.unitPrice.times(l.quantity)));
  const total = sum(values);
  const taxes: { percent: Decimal; tax: Decimal }[] = [];
  inv.lines.forEach((l, i) => {
    const tax = includedTax(values[i], l.taxPercent);
    const g = taxes.find((x) => x.percent.equals(l.taxPercent));
    if (g) g.tax = g.tax.plus(tax);
    else taxes.push({ percent: l.taxPercent, tax });
  });
  const totals: TotalRow[] = [
    { label: t('label.subtotal'), value: money(total), strong: false },
    { label: t('label.total'), value: money(total), strong: true },
    ...taxes.filter((g) => !g.tax.isZero()).map((g) => ({ label: t('label.tax', { rate: formatPercent(g.percent, lang) }), value: money(g.tax), strong: false })),
  ];
  const isCredit = inv.kind === 'creditnote';
  const actions: Action[] = [];
  if (inv.link) actions.push({ label: t(isCredit ? 'button.downloadCreditnote' : 'button.downloadInvoice'), url: inv.link });
  if (inv.payLink && !isCredit) actions.push({ label: t('button.pay'), url: inv.payLink });
  const date = formatDateTime(inv.createdAt);
  return {
    meta: [
      ...row(t(isCredit ? 'label.creditnoteNumber' : 'label.invoiceNumber'), inv.id),
      ...row(t('label.date'), date),
      ...row(t('label.orderNumber'), inv.orderNumber ?? ''),
      ...row(t('label.poNumber'), inv.purchaseOrderNumber),
      ...row(t('label.account'), inv.account.name),
      ...row(t('label.paymentTerms'), inv.account.paymentTerms),
    ],
    lines,
    totals,
    total: money(total),
    addresses: addressView(t('label.invoiceAddress'), inv.address),
    actions,
    invoice: { number: String(inv.id), kind: inv.kind, date, link: inv.link, payLink: inv.payLink },
  };
}

/** The view of one intent, in one language, with problems (missing translations) appended to `problems`. */
export function buildEmailView(intent: EmailIntent, store: FallbackStore, lang: string, problems: string[] = []): EmailView {
  const t = translator(lang, problems);
  const branding = store.fallback.branding;
  const s = intent.subject;
  const order = orderOf(s);
  const view: EmailView = {
    type: intent.emailType,
    recipient: intent.recipient,
    isCopy: intent.recipient === 'sales_rep',
    lang,
    store: { name: store.name, email: store.sender.replyTo ?? store.sender.email, url: store.urls.showroom ?? store.urls.company ?? '' },
    brand: { ...branding, footerText: branding.footerText },
    ref: '',
    subject: '',
    heading: '',
    intro: '',
    greetingName: '',
    copyNote: '',
    link: intent.link,
    message: intent.message,
    meta: [],
    lines: [],
    totals: [],
    total: '',
    addresses: [],
    actions: [],
    order: null,
    shipment: null,
    invoice: null,
  };
  let original = '';
  let account = '';
  if (order) {
    const facts = orderFacts(order);
    view.order = facts;
    view.ref = facts.number;
    view.meta = orderMeta(facts, t);
    view.addresses = [...addressView(t('label.billingAddress'), order.billingAddress), ...addressView(t('label.shippingAddress'), order.shippingAddress)];
    view.greetingName = order.buyer?.firstName || order.customer?.firstName || order.billingAddress.firstName;
    original = order.buyer?.email || order.customer?.email || order.billingAddress.email;
    account = order.account?.name || order.billingAddress.company;
    let amounts: Amounts = { lines: order.lines, shipping: order.shipping, shippingTax: order.shippingTax, handling: order.handling, totalLabel: t('label.total') };
    if (s.kind === 'shipment') {
      const sh = s.shipment;
      const url = trackingUrl(store.trackingUrl, sh.trackingNumber);
      view.shipment = { number: sh.number, trackingNumber: sh.trackingNumber, trackingUrl: url, carrier: shippingMethod(sh.carrier), packages: sh.packages, shippedAt: formatDateTime(sh.shippedAt) };
      view.meta = [
        ...row(t('label.shipment'), sh.number),
        ...row(t('label.shippedAt'), view.shipment.shippedAt),
        ...row(t('label.carrier'), view.shipment.carrier),
        ...row(t('label.trackingNumber'), sh.trackingNumber),
        ...row(t('label.packages'), sh.packages || ''),
        ...view.meta,
      ];
      if (url) view.actions.push({ label: t('button.track'), url });
      view.addresses = addressView(t('label.shippingAddress'), order.shippingAddress);
      amounts = { lines: sh.lines, shipping: sh.shipping, shippingTax: shipmentShippingTax(order, sh.shipping), handling: ZERO, totalLabel: t('label.total') };
    } else if (s.kind === 'refund') {
      const r = s.refund;
      view.meta = [...row(t('label.refundDate'), formatDateTime(r.createdAt)), ...view.meta];
      amounts = { lines: r.lines, shipping: r.shipping, shippingTax: shipmentShippingTax(order, r.shipping), handling: ZERO, totalLabel: t('label.refunded') };
    }
    view.lines = amounts.lines.map((l) => lineView(l, order.currency, lang, t));
    const totals = orderTotals(order, amounts, lang, t);
    view.totals = totals.rows;
    view.total = totals.total;
  } else if (s.kind === 'invoice') {
    const inv = s.invoice;
    Object.assign(view, invoiceView(inv, lang, t));
    view.ref = String(inv.id);
    view.greetingName = inv.address.firstName || inv.buyer.firstName;
    view.message = intent.message ? renderInvoiceMessage(intent.message, inv, { name: store.name, email: store.sender.email }) : '';
    original = inv.address.email || inv.buyer.email;
    account = inv.account.name;
  } else if (s.kind === 'buyer') {
    view.greetingName = s.buyer.firstName;
    view.meta = [...row(t('label.account'), s.account.name)];
    original = s.buyer.email;
    account = s.account.name;
  } else if (s.kind === 'customer') {
    view.greetingName = s.customer.firstName;
    original = s.customer.email;
  }
  if (intent.link && (intent.emailType === 'buyer_created' || intent.emailType === 'forgot_email')) {
    view.actions.push({ label: t(intent.emailType === 'buyer_created' ? 'button.setPassword' : 'button.resetPassword'), url: intent.link });
  }
  view.heading = t(`heading.${intent.emailType}`, { store: store.name });
  view.intro = t(`intro.${intent.emailType}`, { number: view.ref, invoice: view.ref, shipment: view.shipment?.number ?? '', store: store.name });
  if (view.isCopy) {
    const rep = order?.account?.salesRep ?? (s.kind === 'invoice' ? s.invoice.account.salesRep : null);
    view.greetingName = rep?.name.split(' ')[0] ?? '';
    view.copyNote = t('copyNote', { account: account || store.name, to: original || '—' });
  }
  return view;
}
