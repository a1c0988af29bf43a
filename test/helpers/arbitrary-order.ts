// fast-check arbitraries of Centra order events: many lines, discounts, currencies, base rates,
// languages and missing optional fields. Amounts are JSON numbers with at most two decimals, as Centra sends.
import fc from 'fast-check';

const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => c / 100);
// Free text, except the words the property tests look for as signs of a broken mapper
// (a name that really is "NaN" would be reported as one).
const text = fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !/\b(undefined|NaN|Infinity)\b/.test(s));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const address = fc.record({
  firstName: maybe(text),
  lastName: maybe(text),
  companyName: maybe(text),
  address1: maybe(text),
  address2: maybe(text),
  city: maybe(text),
  zipCode: maybe(text),
  state: maybe(fc.record({ code: fc.constantFrom('NM', 'CA', 'GB-WLS'), name: fc.constantFrom('New Mexico', 'California', 'Wales') })),
  country: maybe(fc.record({ code: fc.constantFrom('SE', 'DE', 'US', 'PL', 'DK'), name: fc.constantFrom('Sweden', 'Germany', 'United States', 'Poland', 'Denmark') })),
  email: maybe(fc.constant('someone@example.com')),
  phoneNumber: maybe(fc.constantFrom('+46701234567', '512345123')),
});

const line = (id: number) =>
  fc
    .record({
      original: cents(1, 2_000_000),
      discountPercent: fc.constantFrom(0, 0, 0, 10, 12, 25, 33, 50),
      quantity: fc.integer({ min: 1, max: 60 }),
      taxPercent: fc.constantFrom(0, 6, 12, 19, 25, 38, 25.5),
      size: maybe(fc.constantFrom('S', 'M', 'L', 'XL', '42')),
      variantNumber: maybe(fc.constantFrom('', 'V1', 'Variant number')),
      brand: maybe(fc.record({ name: fc.constantFrom('Eton', 'Aelfy', 'The Edgiest'), uri: fc.constant('brand') })),
      category: maybe(fc.record({ id: fc.integer({ min: 1, max: 99 }), name: fc.array(fc.constantFrom('Shirts', 'Accessories', 'Men'), { minLength: 1, maxLength: 2 }), uri: fc.constant('c') })),
      collection: maybe(fc.record({ id: fc.integer({ min: 1, max: 99 }), name: maybe(fc.constantFrom('SS24', 'AW25')), uri: fc.constant('col') })),
      withMedia: fc.boolean(),
      rrp: maybe(cents(0, 5_000_000)),
    })
    .map((l) => {
      // A discounted unit price is the original less a percentage, in whole cents (Centra stores cents).
      const unitPrice = Math.round(l.original * 100 * (100 - l.discountPercent)) / 10000;
      return {
        id,
        productName: `Product ${id}`,
        productVariantName: l.variantNumber === null ? null : `Variant ${id}`,
        size: l.size,
        productNumber: `P${id}`,
        quantity: l.quantity,
        taxPercent: l.taxPercent,
        unitPrice: { value: Number(unitPrice.toFixed(2)) },
        unitOriginalPrice: { value: l.original },
        product: { id: 100 + id },
        productVariant: { id: 1000 + id, name: `Variant ${id}`, variantNumber: l.variantNumber },
        productSize: l.size === null ? null : { SKU: null, sizeNumber: String(id), description: `${l.size} EU` },
        brand: l.brand,
        category: l.category,
        collection: l.collection,
        ...(l.withMedia ? { media: [{ sources: { standard: `https://img.example.com/${id}.jpg` } }] } : {}),
        recommendedRetailPrice: l.rrp === null ? null : { value: l.rrp },
      };
    });

export interface GeneratedOrder {
  kind: 'wholesale' | 'dtc';
  event: Record<string, any>;
}

export const orderEventArb: fc.Arbitrary<GeneratedOrder> = fc
  .record({
    kind: fc.constantFrom('wholesale' as const, 'dtc' as const),
    lineCount: fc.integer({ min: 1, max: 6 }),
    currency: fc.constantFrom('SEK', 'EUR', 'DKK', 'USD', 'NOK'),
    // Base rates with up to five decimals, from well below to well above 1.
    baseRate: fc.integer({ min: 1, max: 1_500_000 }).map((r) => r / 100000),
    shipping: cents(0, 50_000),
    shippingTaxPercent: fc.constantFrom(0, 25),
    handling: cents(0, 5_000),
    language: maybe(fc.constantFrom('en', 'sv-SE', 'de-DE', 'pl')),
    billing: maybe(address),
    shippingAddress: maybe(address),
    withSalesRep: fc.boolean(),
    status: fc.constantFrom('PENDING', 'CONFIRMED', 'CANCELLED'),
    paymentFailed: fc.boolean(),
  })
  .chain((o) => fc.tuple(fc.constant(o), fc.tuple(...Array.from({ length: o.lineCount }, (_, i) => line(i + 1)))))
  .map(([o, lines]) => {
    const shippingTax = Math.round((o.shipping * o.shippingTaxPercent * 100) / (100 + o.shippingTaxPercent)) / 100;
    const store = { id: o.kind === 'wholesale' ? 1 : 2, name: o.kind, type: o.kind === 'wholesale' ? 'WHOLESALE' : 'DIRECT_TO_CONSUMER' };
    const order: Record<string, any> = {
      id: 'abc123',
      number: 5000,
      status: o.status,
      createdAt: '2025-03-01T10:00:00+01:00',
      store,
      market: { id: 1, name: 'Nordic Market' },
      pricelist: { id: 2, name: 'Retail' },
      language: o.language === null ? null : { code: o.language },
      currencyBaseRate: o.baseRate,
      grandTotal: { value: 0, currency: { code: o.currency } },
      totals: { shipping: { value: o.shipping }, handling: { value: o.handling }, shippingTaxIncluded: { value: shippingTax } },
      paymentMethod: { name: 'Card', plugin: o.kind === 'dtc' ? 'adyen' : null },
      shippingAddress: o.shippingAddress,
      billingAddress: o.billing,
      lines,
      paymentHistory: [{ entryType: o.paymentFailed ? 'CAPTURE_FAILED' : 'CAPTURE', status: o.paymentFailed ? 'FAILED' : 'SUCCESS' }],
    };
    if (o.kind === 'wholesale') {
      order.buyer = { id: 7, email: 'buyer@example.com', firstName: 'B', lastName: 'Uyer' };
      order.account = {
        id: 3,
        name: 'Account',
        salesRepresentative: o.withSalesRep ? { id: 9, name: 'Rep', email: 'rep@example.com' } : null,
        shippingEmail: 'ship@example.com',
      };
      order.purchaseOrderNumber = 'PO-1';
    } else {
      order.customer = { id: 8, email: 'customer@example.com', firstName: 'C', lastName: 'Ustomer' };
    }
    return {
      kind: o.kind,
      event: { type: 'order', action: 'update', id: 5000, date: '2025-03-01 09:00:00.000000', object: order, context: { sendEmailToClient: true } },
    };
  });

/** The same event as an order receipt, confirmation or cancellation. */
export function asEmail(event: Record<string, any>, emailType: 'order' | 'order_conf' | 'cancel'): Record<string, any> {
  const e = structuredClone(event);
  if (emailType === 'order') e.action = 'create';
  else e.object.status = emailType === 'order_conf' ? 'CONFIRMED' : 'CANCELLED';
  return e;
}

/** A config with both stores, all plugins in one store each, fallback-free. */
export function configFor(esp: 'klaviyo' | 'rule' | 'voyado') {
  const plugin = (store: string) => ({ name: `${esp}-${store}`, esp, apiKey: 'k', language: 'site' as const });
  const emails = { orderConfirmationTo: 'both', shipmentConfirmationTo: 'both' } as const;
  return {
    stores: [
      { id: 1, name: 'Wholesale', kind: 'wholesale', language: 'en', emails, plugins: [plugin('wholesale')] },
      { id: 2, name: 'DTC', kind: 'dtc', language: 'sv-SE', plugins: [plugin('dtc')] },
    ],
  };
}
