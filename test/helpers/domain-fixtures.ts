// Small domain objects for payload tests: an address, a product line, an order of two lines
// (a DTC order in SEK with shipping and a handling fee). Tests override what they look at.
import { dec, ZERO } from '../../src/domain/money.ts';
import type { Address, Line, Order } from '../../src/domain/types.ts';

export const address: Address = {
  firstName: 'Ada', lastName: 'Lind', company: '', address1: 'Storgatan 1', address2: '', city: 'Malmö', zip: '211 22',
  stateOrProvince: '', state: null, country: { code: 'SE', name: 'Sweden' }, email: 'ada@example.com', phone: '',
};

export function line(id: number, quantity: number, unitPrice: string): Line {
  return {
    id, kind: 'product', displayId: null, displayUri: '', productId: id, variantId: id, productName: `Sock ${id}`, variantName: 'Blue',
    folder: 'Socks', sizeName: 'M', sizeLabel: 'M', sku: `S${id}`, productSku: `S${id}`, variantSku: '', sizeSku: '', gtin: '', ean: '', upc: '',
    brand: { name: 'Brand', uri: 'brand' }, category: { id: null, names: [], uri: '' }, collection: null, quantity,
    unitPrice: dec(unitPrice), unitOriginalPrice: dec(unitPrice), taxPercent: dec(25), rrpPerUnit: ZERO, comment: '', productUrl: '', images: {},
    product: { uri: '', countryOfOrigin: null, excerpt: '', stockUnit: '', createdAt: '2026-11-01T10:00:00+01:00', modifiedAt: '2026-11-01T10:00:00+01:00', attributes: {} },
  };
}

export const order: Order = {
  hashId: 'h', number: 91001, status: 'CONFIRMED', store: { id: 2, kind: 'dtc' }, market: null, pricelist: null, deliveryCountry: 'SE', siteLanguage: 'sv',
  createdAt: '2026-11-20T12:00:00+01:00', currency: 'SEK', baseRate: dec('0.0871'), lines: [line(1, 250, '19.99'), line(2, 3, '120.50')],
  shipping: dec('49.00'), shippingTax: dec('9.80'), handling: dec('25.00'), taxDeducted: ZERO, paymentMethod: 'Card', paymentPlugin: 'adyen',
  shippingOption: 'Postnord', carrier: { carrier: 'Postnord', service: 'Home' }, billingAddress: address, shippingAddress: address,
  customer: null, buyer: null, account: null, purchaseOrderNumber: '', deliveryWindows: [], isSubscription: false, paymentSucceeded: true, attributes: {},
};
