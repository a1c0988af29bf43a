// Centra snapshot (Integration API names) → the domain model. Missing optional text becomes "".
import { dec, ZERO } from '../domain/money.ts';
import type { Account, Address, Buyer, Carrier, Customer, Invoice, Line, Order, Refund, Shipment } from '../domain/types.ts';
import type {
  CentraAccount,
  CentraAddress,
  CentraBuyerObject,
  CentraCustomerObject,
  CentraInvoice,
  CentraOrder,
  CentraOrderLine,
  CentraReturn,
  CentraShipment,
} from './event-schema.ts';

const str = (v: string | null | undefined): string => v ?? '';

export function toAddress(a: CentraAddress | null | undefined): Address {
  return {
    firstName: str(a?.firstName),
    lastName: str(a?.lastName),
    company: str(a?.companyName),
    address1: str(a?.address1),
    address2: str(a?.address2),
    city: str(a?.city),
    zip: str(a?.zipCode),
    stateOrProvince: str(a?.stateOrProvince),
    state: a?.state && (a.state.code || a.state.name) ? { code: str(a.state.code), name: str(a.state.name) } : null,
    country: a?.country ? { code: a.country.code, name: a.country.name } : null,
    email: str(a?.email),
    phone: str(a?.phoneNumber) || str(a?.cellPhoneNumber),
  };
}

function toCarrier(c: { carrierName?: string | null; serviceName?: string | null } | null | undefined): Carrier {
  return { carrier: str(c?.carrierName), service: str(c?.serviceName) };
}

const LINE_KINDS = { ProductOrderLine: 'product', BundleOrderLine: 'bundle', GiftCertificateOrderLine: 'gift_certificate' } as const;

export function toLine(l: CentraOrderLine): Line {
  const variantSku = str(l.productVariant.variantNumber);
  const sizeSku = str(l.productSize?.sizeNumber);
  return {
    id: l.id,
    kind: LINE_KINDS[l.__typename ?? 'ProductOrderLine'],
    displayId: l.display?.id ?? null,
    displayUri: str(l.display?.uri),
    productId: l.product.id,
    variantId: l.productVariant.id,
    productName: l.productName,
    variantName: str(l.productVariantName ?? l.productVariant.name),
    folder: str(l.folderName),
    sizeName: str(l.size),
    sizeLabel: str(l.productSize?.description) || str(l.size),
    sku: str(l.productSize?.SKU) || `${l.productNumber}${variantSku}${sizeSku}`,
    productSku: l.productNumber,
    variantSku,
    sizeSku,
    gtin: str(l.productSize?.GTIN),
    ean: str(l.productSize?.EAN),
    upc: str(l.productSize?.UPC),
    brand: { name: str(l.brand?.name), uri: str(l.brand?.uri) },
    category: { id: l.category?.id ?? null, names: l.category?.name ?? [], uri: str(l.category?.uri) },
    collection: l.collection ? { id: l.collection.id, name: l.collection.name ?? null, uri: str(l.collection.uri) } : null,
    quantity: l.quantity,
    unitPrice: dec(l.unitPrice.value),
    unitOriginalPrice: dec(l.unitOriginalPrice.value),
    taxPercent: dec(l.taxPercent),
    rrpPerUnit: l.recommendedRetailPrice ? dec(l.recommendedRetailPrice.value) : ZERO,
    comment: str(l.comment),
    productUrl: str(l.productExternalUrl),
    images: l.media?.[0]?.sources ?? {},
    product: {
      uri: str(l.product.uri),
      countryOfOrigin: l.product.countryOfOrigin?.code ?? null,
      excerpt: str(l.product.excerpt),
      stockUnit: str(l.product.stockUnit),
      createdAt: str(l.product.createdAt),
      modifiedAt: str(l.product.updatedAt),
      attributes: l.product.attributes ?? {},
    },
  };
}

export function toAccount(a: CentraAccount): Account {
  const rep = a.salesRepresentative;
  return {
    id: a.id,
    name: a.name,
    salesRep: rep ? { id: rep.id, name: rep.name, email: str(rep.email) } : null,
    paymentTerms: str(a.paymentTerms?.description),
    shippingTerms: str(a.shippingTerms?.description),
    shippingEmail: str(a.shippingEmail),
    carrier: toCarrier(a.carrierInformation),
    market: a.market ?? null,
    pricelist: a.pricelist ?? null,
  };
}

/** Payment succeeded when an authorization or capture succeeded and no later one failed. */
function paymentState(history: CentraOrder['paymentHistory']): boolean | null {
  if (!history?.length) return null;
  const relevant = history.filter((h) => /^(AUTH|CAPTURE|PREPAID|MARKED_AS_PAID|CAPTURE_FAILED)$/.test(h.entryType));
  if (!relevant.length) return null;
  const last = relevant[relevant.length - 1];
  if (last.entryType === 'CAPTURE_FAILED' || last.status === 'FAILED') return false;
  return last.status === 'SUCCESS' ? true : null;
}

export function toOrder(o: CentraOrder): Order {
  const account = o.account ? toAccount(o.account) : null;
  const b = o.buyer;
  const buyer: Buyer | null = b
    ? {
        id: b.id,
        email: b.email,
        firstName: str(b.firstName),
        lastName: str(b.lastName),
        phone: str(b.phoneNumber),
        company: str(b.billingAddress?.companyName),
        billingAddress: toAddress(b.billingAddress),
        receiveAutoEmails: b.receiveAutoEmails ?? true,
        sendOrderReceipt: b.sendOrderReceipt ?? null,
      }
    : null;
  return {
    hashId: o.id,
    number: o.number,
    status: o.status,
    store: { id: o.store.id, kind: o.store.type === 'WHOLESALE' ? 'wholesale' : 'dtc' },
    market: o.market ?? null,
    pricelist: o.pricelist ?? null,
    deliveryCountry: o.shippingAddress?.country?.code ?? o.country?.code ?? null,
    siteLanguage: o.language?.code ?? o.customer?.language?.code ?? null,
    createdAt: o.createdAt,
    currency: o.grandTotal.currency?.code ?? 'EUR',
    baseRate: dec(o.currencyBaseRate),
    lines: o.lines.map(toLine),
    shipping: o.totals?.shipping ? dec(o.totals.shipping.value) : ZERO,
    shippingTax: o.totals?.shippingTaxIncluded ? dec(o.totals.shippingTaxIncluded.value) : ZERO,
    handling: o.totals?.handling ? dec(o.totals.handling.value) : ZERO,
    taxDeducted: o.totals?.taxDeducted ? dec(o.totals.taxDeducted.value) : ZERO,
    paymentMethod: str(o.paymentMethod?.name),
    paymentPlugin: o.paymentMethod?.plugin ?? null,
    shippingOption: o.shippingPriceGroup?.shippingOption?.name ?? null,
    carrier: o.carrierInformation ? toCarrier(o.carrierInformation) : account?.carrier ?? toCarrier(null),
    billingAddress: toAddress(o.billingAddress),
    shippingAddress: toAddress(o.shippingAddress),
    customer: o.customer ? toCustomer(o.customer) : null,
    buyer,
    account,
    purchaseOrderNumber: str(o.purchaseOrderNumber),
    deliveryWindows: (o.deliveryWindows ?? []).map((w) => str(w.name)).filter(Boolean),
    isSubscription: (o.subscriptionContracts?.length ?? 0) > 0,
    paymentSucceeded: paymentState(o.paymentHistory),
    attributes: o.attributes ?? {},
  };
}

function toCustomer(c: NonNullable<CentraOrder['customer']>): Customer {
  return {
    id: c.id,
    email: c.email,
    firstName: str(c.firstName),
    lastName: str(c.lastName),
    isRegistered: c.isRegistered ?? true,
    language: c.language?.code ?? null,
    billingAddress: toAddress(c.billingAddress),
    newsletter: c.newsletter ?? false,
    espContactId: c.engageContactId ?? null,
  };
}

export function toCustomerObject(c: CentraCustomerObject): Customer {
  return toCustomer(c);
}

export function toBuyerObject(b: CentraBuyerObject): { buyer: Buyer; account: Account } {
  return {
    buyer: {
      id: b.id,
      email: b.email,
      firstName: str(b.firstName),
      lastName: str(b.lastName),
      phone: str(b.phoneNumber),
      company: str(b.companyName) || str(b.billingAddress?.companyName),
      billingAddress: toAddress(b.billingAddress),
      receiveAutoEmails: b.receiveAutoEmails ?? true,
      sendOrderReceipt: b.sendOrderReceipt ?? null,
    },
    account: toAccount(b.account),
  };
}

/** Lines of a shipment or return: the order's lines with the quantity of this shipment or return. */
function linesOf(order: Order, parts: { orderLine: { id: number }; quantity: number }[], what: string): Line[] {
  return parts.map((p) => {
    const line = order.lines.find((l) => l.id === p.orderLine.id);
    if (!line) throw new Error(`${what} line refers to order line ${p.orderLine.id}, which order ${order.number} does not have`);
    return { ...line, quantity: p.quantity };
  });
}

export function toShipment(s: CentraShipment): Shipment {
  const order = toOrder(s.order);
  return {
    id: s.id,
    number: s.number,
    shippedAt: str(s.shippedAt),
    trackingNumber: str(s.trackingNumber),
    packages: s.numberOfPackages ?? 0,
    carrier: toCarrier(s.carrierInformation),
    additionalMessage: str(s.additionalMessage),
    lines: linesOf(order, s.lines, 'shipment'),
    shipping: s.shippingValue ? dec(s.shippingValue.value) : ZERO,
    order,
  };
}

export function toRefund(r: CentraReturn): Refund {
  const order = toOrder(r.order);
  return {
    id: r.id,
    createdAt: str(r.createdAt),
    lines: linesOf(order, r.lines, 'return'),
    shipping: r.shippingValue ? dec(r.shippingValue.value) : ZERO,
    order,
  };
}

export function toInvoice(i: CentraInvoice): Invoice {
  return {
    id: i.id,
    kind: i.type,
    createdAt: i.createdAt,
    currency: i.currency.code,
    orderNumber: i.order?.number ?? null,
    purchaseOrderNumber: str(i.order?.purchaseOrderNumber),
    address: toAddress(i.address),
    buyer: { id: i.buyer.id, email: i.buyer.email, firstName: str(i.buyer.firstName), lastName: str(i.buyer.lastName), company: str(i.buyer.companyName) },
    account: toAccount(i.account),
    store: { id: i.store.id, kind: i.store.type === 'WHOLESALE' ? 'wholesale' : 'dtc' },
    lines: i.lines.map((l) => ({
      productId: l.product.id,
      variantId: l.productVariant.id,
      productNumber: l.productNumber,
      brand: str(l.brand?.name),
      productName: l.productName,
      variantName: str(l.productVariant.name),
      size: str(l.size),
      quantity: l.quantity,
      unitOriginalPrice: dec(l.unitOriginalPrice.value),
      unitPrice: dec(l.unitPrice.value),
      taxPercent: dec(l.taxPercent),
    })),
    link: i.link,
    payLink: i.payLink,
  };
}
