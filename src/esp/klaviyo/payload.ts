// Klaviyo event properties (golden: ../shared/golden/klaviyo/*.json). Pure functions.
// Amounts are strings with two decimals; "…InCustomerCurrency" is the order's currency, the plain
// name is the base currency (customer amount × the order's base rate, rounded half up).
import { isDiscounted, lineDiscount, lineOriginalValue, lineTax, lineValue, orderFigures, refundFigures, shipmentFigures, unique, type PartFigures } from '../../domain/amounts.ts';
import { countryCode, countryName, personName, regionCode, regionName } from '../../domain/address.ts';
import { eventDateTime, localDateTime, longDateTime } from '../../domain/dates.ts';
import { plainAmount, toBase, type Decimal } from '../../domain/money.ts';
import type { Address, Line, Order, Refund, Shipment, Invoice, Buyer, Account, Customer } from '../../domain/types.ts';
import { renderInvoiceMessage } from '../../emails/invoice-message.ts';
import { invoiceAccount, invoiceItems } from '../../emails/invoice-data.ts';
import { trackingUrl } from '../../emails/shipping.ts';

type Props = Record<string, unknown>;

export interface KlaviyoMapOptions {
  imageSize: string;
  /** "CreatedDate": the event's date. */
  eventDate: string;
}

/** A pair of amounts: base currency and customer currency. */
function amounts(name: string, customer: Decimal, rate: Decimal): Props {
  return { [name]: plainAmount(toBase(customer, rate)), [`${name}InCustomerCurrency`]: plainAmount(customer) };
}

export function klaviyoAddress(a: Address): Props {
  return {
    FirstName: a.firstName,
    LastName: a.lastName,
    Company: a.company,
    Address1: a.address1,
    Address2: a.address2,
    City: a.city,
    Region: regionName(a),
    RegionCode: regionCode(a),
    Country: countryName(a),
    CountryCode: countryCode(a),
    Zip: a.zip,
    Phone: a.phone,
    Email: a.email,
  };
}

const categoriesOf = (l: Line): string[] => (l.category.names.length ? [l.category.names[l.category.names.length - 1]] : []);

export function klaviyoItem(l: Line, rate: Decimal, imageSize: string): Props {
  return {
    ProductID: l.displayId ?? l.productId,
    SKU: l.sku,
    ProductName: l.productName,
    Quantity: l.quantity,
    GTIN: l.gtin,
    EAN: l.ean,
    UPC: l.upc,
    Size: l.sizeLabel,
    VariantName: l.variantName,
    ...amounts('GrossPaidPrice', lineValue(l), rate),
    ...amounts('OriginalPrice', lineOriginalValue(l), rate),
    ...amounts('GrossPaidPricePerUnit', l.unitPrice, rate),
    ProductURL: l.productUrl,
    ImageURL: l.images[imageSize] ?? '',
    Categories: categoriesOf(l),
    Brand: l.brand.name,
    Comment: l.comment,
    ...amounts('TaxAmount', lineTax(l), rate),
    TaxPercent: plainAmount(l.taxPercent),
    Discounted: isDiscounted(l),
    ...amounts('DiscountValue', lineDiscount(l), rate),
    ProductType: l.kind,
    ...amounts('RrpPerUnit', l.rrpPerUnit, rate),
  };
}

const shippingMethodName = (c: { carrier: string; service: string }) => [c.service, c.carrier].filter(Boolean).join(' ');

/** The block every order email shares (receipt, confirmation, cancellation, refund). */
function orderSummary(order: Order, f: PartFigures, o: KlaviyoMapOptions): Props {
  const rate = order.baseRate;
  const lines = f.lines;
  return {
    OrderId: String(order.number),
    CustomerCurrency: order.currency,
    GrossPaidPriceInCustomerCurrency: plainAmount(f.total),
    ...amounts('TaxAmount', f.taxWithShipping, rate),
    Categories: unique(lines.flatMap(categoriesOf)),
    ItemNames: unique(lines.map((l) => l.productName)),
    Brands: unique(lines.map((l) => l.brand.name).filter(Boolean)),
    ...amounts('DiscountValue', f.discount, rate),
    Items: lines.map((l) => klaviyoItem(l, rate, o.imageSize)),
    BillingAddress: klaviyoAddress(order.billingAddress),
    ShippingAddress: klaviyoAddress(order.shippingAddress),
    Shipping: {
      Method: shippingMethodName(order.carrier),
      Service: order.carrier.service,
      Carrier: order.carrier.carrier,
      CentraShippingMethod: order.shippingOption ?? '',
      ...amounts('Cost', f.shipping, rate),
      ...amounts('TaxAmount', f.shippingTax, rate),
    },
    MethodForPayment: order.paymentMethod,
    CreatedDate: eventDateTime(o.eventDate),
  };
}

/** Fields only wholesale orders have. */
function wholesaleDetails(order: Order, orderUrl: string): Props {
  const account = order.account;
  return {
    PONumber: order.purchaseOrderNumber,
    OrderUrl: orderUrl,
    DeliveryWindow: order.deliveryWindows.join(', '),
    SalesRepresentatives: account?.salesRep ? [{ Id: account.salesRep.id, Name: account.salesRep.name }] : [],
    TermsOfPayment: account?.paymentTerms ?? '',
    TermsOfDelivery: account?.shippingTerms ?? '',
    Collection: '',
    Account: account ? { Id: account.id, Name: account.name } : null,
  };
}

export function orderReceiptProperties(order: Order, orderUrl: string, o: KlaviyoMapOptions): Props {
  return {
    ...orderSummary(order, orderFigures(order), o),
    OrderType: order.isSubscription ? 'Subscription' : 'One-time Purchase',
    ...(order.store.kind === 'wholesale' ? wholesaleDetails(order, orderUrl) : {}),
  };
}

export function orderConfirmationProperties(order: Order, orderUrl: string, o: KlaviyoMapOptions): Props {
  return {
    ...orderSummary(order, orderFigures(order), o),
    ...(order.store.kind === 'wholesale' ? wholesaleDetails(order, orderUrl) : {}),
  };
}

export function cancelProperties(order: Order, reason: string, o: KlaviyoMapOptions): Props {
  return { ...orderSummary(order, orderFigures(order), o), Reason: reason };
}

export function refundProperties(refund: Refund, o: KlaviyoMapOptions): Props {
  return { ...orderSummary(refund.order, refundFigures(refund), o), RefundId: refund.id, RefundDate: localDateTime(refund.createdAt) };
}

export function shipmentProperties(s: Shipment, updateType: string, trackingTemplate: string, o: KlaviyoMapOptions): Props {
  const order = s.order;
  const rate = order.baseRate;
  const f = shipmentFigures(s);
  return {
    OrderId: order.number,
    ShipmentId: `${updateType.replace(/ /g, '-')}-${s.number}`,
    UpdateType: updateType,
    Items: s.lines.map((l) => klaviyoItem(l, rate, o.imageSize)),
    ShippingAddress: klaviyoAddress(order.shippingAddress),
    CustomerCurrency: order.currency,
    ...amounts('GrossPaidPrice', f.total, rate),
    ...amounts('TaxAmount', f.taxWithShipping, rate),
    ...amounts('DiscountValue', f.discount, rate),
    ...amounts('ShippingCost', f.shipping, rate),
    ...amounts('ShippingTaxAmount', f.shippingTax, rate),
    OrderDate: localDateTime(order.createdAt),
    ShippingMethod: shippingMethodName(s.carrier),
    ShippingService: s.carrier.service,
    ShippingCarrier: s.carrier.carrier,
    CentraShippingMethod: order.shippingOption ?? '',
    TrackingNumber: s.trackingNumber,
    TrackingUrl: trackingUrl(trackingTemplate, s.trackingNumber),
    PackagesAmount: s.packages,
    ShippingDate: localDateTime(s.shippedAt),
    MethodForPayment: order.paymentMethod,
  };
}

export function invoiceProperties(inv: Invoice, message: string, store: { name: string; email: string }, o: KlaviyoMapOptions): Props {
  return {
    OrderId: inv.orderNumber === null ? '' : String(inv.orderNumber),
    Account: invoiceAccount(inv),
    Items: invoiceItems(inv),
    InvoiceId: inv.id,
    Link: inv.link,
    PayLink: inv.payLink,
    Date: longDateTime(inv.createdAt),
    Name: personName(inv.address),
    Company: inv.address.company,
    PoNumber: inv.purchaseOrderNumber,
    DocumentType: inv.kind,
    CustomMessage: renderInvoiceMessage(message, inv, store),
    CreatedDate: eventDateTime(o.eventDate),
  };
}

export function buyerCreatedProperties(buyer: Buyer, account: Account, link: string): Props {
  return { Account: { Id: account.id, Name: account.name }, Name: buyer.firstName, Surname: buyer.lastName, Company: buyer.company, PasswordCreateLink: link };
}

export function accountCreatedProperties(customer: Customer, link: string): Props {
  return { Name: customer.firstName, Surname: customer.lastName, Email: customer.email, ...(link ? { PasswordCreateLink: link } : {}) };
}

export function passwordResetProperties(link: string): Props {
  return { PasswordResetLink: link };
}
