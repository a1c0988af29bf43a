// Rule subscriber fields (golden: ../shared/golden/rule/*.json). Pure functions.
// Money appears twice: formatted ("7 919.22 DKK") and as a plain amount ("7919.22").
import { lineTax, lineValue, taxByRate, unique, unitTax, type PartFigures } from '../../domain/amounts.ts';
import { countryName, personName, regionCode } from '../../domain/address.ts';
import { localDateTime, longDateTime } from '../../domain/dates.ts';
import { groupedAmount, percentLabel, plainAmount, type Decimal } from '../../domain/money.ts';
import type { Account, Address, Buyer, Customer, Invoice, Line, Order } from '../../domain/types.ts';
import { renderInvoiceMessage } from '../../emails/invoice-message.ts';
import { invoiceItems } from '../../emails/invoice-data.ts';
import { phpJsonEncode } from './php-json.ts';
import { fitsRule } from './field-groups.ts';

export interface RuleField {
  key: string;
  value: unknown;
  type?: 'text' | 'multiple' | 'date' | 'datetime' | 'json';
}

export interface ProductOptions {
  shortProductName: boolean;
  imageSize: string;
  /** Only these Order.Products fields (empty = all). */
  include: string[];
  /** Never these Order.Products fields. */
  exclude: string[];
}

const field = (key: string, value: unknown): RuleField => ({ key, value });
const multiple = (key: string, value: unknown[]): RuleField => ({ key, value, type: 'multiple' });
const SOURCE = field('Subscriber.Source', 'CentraRule');

/** A money pair: "Order.Total" formatted and "Order.TotalAmount" plain. */
function money(key: string, value: Decimal, currency: string): RuleField[] {
  return [field(key, groupedAmount(value, currency)), field(`${key}Amount`, plainAmount(value))];
}

function addressFields(prefix: string, a: Address): RuleField[] {
  return [
    field(`${prefix}Street`, a.address1),
    field(`${prefix}City`, a.city),
    field(`${prefix}Zipcode`, a.zip),
    field(`${prefix}State`, regionCode(a)),
    field(`${prefix}Country`, countryName(a)),
    field(`${prefix}Company`, a.company),
    field(`${prefix}Tele`, a.phone),
  ];
}

function productName(l: Line, short: boolean): string {
  return [l.productName, short ? '' : l.variantName, l.sizeName].filter(Boolean).join(', ');
}

/** One entry of Order.Products: the product as Centra knows it, then this line's figures. */
export function productEntry(l: Line, currency: string, o: ProductOptions): Record<string, unknown> {
  const tax = unitTax(l);
  const entry: Record<string, unknown> = {
    product: String(l.displayId ?? l.productId),
    brand: l.brand.name,
    name: productName(l, o.shortProductName),
    uri: l.displayUri || l.product.uri,
    sku: l.sku,
    productSku: l.productSku,
    brandName: l.brand.name,
    brandUri: l.brand.uri,
    collection: String(l.collection?.id ?? 0),
    collectionName: l.collection?.name ?? null,
    collectionUri: l.collection?.uri ?? '',
    variantName: l.variantName,
    countryOrigin: l.product.countryOfOrigin,
    excerpt: l.product.excerpt,
    stockUnit: l.product.stockUnit,
    category: l.category.id === null ? '' : String(l.category.id),
    centraProduct: String(l.productId),
    centraVariant: String(l.variantId),
    categoryName: l.category.names,
    categoryUri: l.category.uri,
    createdAt: localDateTime(l.product.createdAt),
    modifiedAt: localDateTime(l.product.modifiedAt),
    ...l.product.attributes,
    comment: l.comment,
    image: l.images[o.imageSize] ?? '',
    price: groupedAmount(l.unitPrice, currency),
    priceAmount: plainAmount(l.unitPrice),
    qty: String(l.quantity),
    subtotal: groupedAmount(lineValue(l), currency),
    subtotalAmount: plainAmount(lineValue(l)),
    size: l.sizeName,
    // A rate, not money: Centra's plugin sends it as a number.
    taxPercent: Number(l.taxPercent.toString()),
    tax: groupedAmount(tax, currency),
    taxAmount: plainAmount(tax),
    subtotalTax: groupedAmount(lineTax(l), currency),
    subtotalTaxAmount: plainAmount(lineTax(l)),
    priceWithoutTax: groupedAmount(l.unitPrice.minus(tax), currency),
    priceWithoutTaxAmount: plainAmount(l.unitPrice.minus(tax)),
    subtotalWithoutTax: groupedAmount(lineValue(l).minus(lineTax(l)), currency),
    subtotalWithoutTaxAmount: plainAmount(lineValue(l).minus(lineTax(l))),
  };
  for (const key of Object.keys(entry)) {
    if ((o.include.length && !o.include.includes(key)) || o.exclude.includes(key)) delete entry[key];
  }
  return entry;
}

function productFields(lines: Line[], currency: string, o: ProductOptions): RuleField[] {
  return [
    multiple('Order.Brands', unique(lines.map((l) => l.brand.name))),
    multiple('Order.Types', unique(lines.map((l) => l.folder))),
    multiple('Order.Sizes', lines.map((l) => l.sizeName)),
    multiple('Order.ProductCount', [lines.length]),
    multiple('Order.IndividualProductCount', lines.map((l) => String(l.quantity))),
    multiple('Order.Names', lines.map((l) => l.productName)),
    multiple('Order.Variations', lines.map((l) => l.variantName)),
    multiple('Order.Collections', lines.map((l) => l.collection?.name ?? '')),
    multiple('Order.Skus', lines.map((l) => l.productSku)),
    { key: 'Order.DetailSkus', value: phpJsonEncode(lines.map((l) => ({ prod_sku: l.productSku, variant_sku: l.variantSku, size_sku: l.sizeSku }))), type: 'text' },
    // Centra marks DetailSkus as text but leaves the (larger) Products field untyped; text is Rule's default.
    field('Order.Products', phpJsonEncode(lines.map((l) => productEntry(l, currency, o)))),
  ];
}

/** The catalogue's metadata in an Order.Products entry: what an order email rarely shows. */
const CATALOGUE_KEYS = [
  'uri', 'productSku', 'brandName', 'brandUri', 'collection', 'collectionName', 'collectionUri', 'countryOrigin', 'stockUnit',
  'category', 'centraProduct', 'centraVariant', 'categoryName', 'categoryUri', 'createdAt', 'modifiedAt',
];

/** The entry's own keys (the product's attributes aside): an attribute never takes one of them away. */
const ownKeys = (l: Line, currency: string, o: ProductOptions) => new Set(Object.keys(productEntry({ ...l, product: { ...l.product, attributes: {} } }, currency, o)));

/**
 * What leaves every Order.Products entry, step by step, while the Order group would reach Rule's
 * 65 KiB (docs/rule.md): 1. the product's excerpt (marketing text), 2. the product's own
 * attributes, 3. the catalogue's metadata. What an order email shows (name, variant, size,
 * image, SKU, brand, quantity, prices, tax and subtotals, comment) is never trimmed: a group
 * still too large is refused by the transport with the reason (field-groups.ts ruleBodyProblem).
 */
const PRODUCT_TRIM_STEPS: ReadonlyArray<(l: Line, currency: string, o: ProductOptions) => readonly string[]> = [
  () => ['excerpt'],
  (l, currency, o) => {
    const own = ownKeys(l, currency, o);
    return Object.keys(l.product.attributes).filter((k) => !own.has(k));
  },
  () => CATALOGUE_KEYS,
];

/** The fields with Order.Products trimmed, step by step, until the Order group fits Rule's limit (or nothing is left to trim). */
function fitOrderGroup(fields: RuleField[], lines: Line[], currency: string, o: ProductOptions): RuleField[] {
  if (fitsRule(fields, 'Order')) return fields;
  let entries = lines.map((l) => productEntry(l, currency, o));
  let trimmed = fields;
  for (const step of PRODUCT_TRIM_STEPS) {
    entries = entries.map((e, i) => {
      const drop = new Set(step(lines[i]!, currency, o));
      return Object.fromEntries(Object.entries(e).filter(([k]) => !drop.has(k)));
    });
    const products = phpJsonEncode(entries);
    trimmed = trimmed.map((f) => (f.key === 'Order.Products' ? { ...f, value: products } : f));
    if (fitsRule(trimmed, 'Order')) break;
  }
  return trimmed;
}

export interface OrderFieldOptions extends ProductOptions {
  language: string;
  /** Cancel: the additional message and the store's URL come after the names. */
  cancel?: { message: string; companyUrl: string };
  /** Receipt, confirmation and shipment carry handling and the billing address. */
  billing: boolean;
}

/** Fields of the order emails over one part's figures (the whole order, a shipment's or a refund's). */
export function orderFields(order: Order, f: PartFigures, o: OrderFieldOptions): RuleField[] {
  const ship = order.shippingAddress;
  const cur = order.currency;
  const lines = f.lines;
  const party = order.buyer ?? order.customer;
  return fitOrderGroup([
    field('Order.Number', order.number),
    field('Order.Firstname', ship.firstName),
    field('Order.Lastname', ship.lastName),
    field('Order.Currency', cur),
    field('Address.Firstname', ship.firstName),
    field('Address.Lastname', ship.lastName),
    ...(o.cancel ? [field('Order.AdditionalMessage', o.cancel.message), field('Order.CompanyUrl', o.cancel.companyUrl)] : []),
    ...addressFields('Order.', ship),
    ...addressFields('Address.', ship),
    field('Order.Date', localDateTime(order.createdAt)),
    field('Customer.Number', party?.id ?? null),
    field('Customer.Language', o.language),
    ...money('Order.Subtotal', f.original, cur),
    ...money('Order.Discount', f.discount, cur),
    ...money('Order.Shipping', f.shipping, cur),
    ...money('Order.Total', f.total, cur),
    ...money('Order.Vat', f.taxWithShipping, cur),
    field('Order.Vatpercent', taxByRate(lines).map((g) => percentLabel(g.percent)).join(', ') || '0%'),
    multiple('Order.PaymentMethod', [order.paymentPlugin]),
    multiple('Order.DeliveryMethod', [order.shippingOption]),
    SOURCE,
    ...(o.billing ? [...money('Order.Handling', f.handling, cur), ...billingFields(order.billingAddress)] : []),
    ...productFields(lines, cur, o),
  ], lines, cur, o);
}

// Centra lists the billing company after the phone, unlike the shipping address.
function billingFields(a: Address): RuleField[] {
  return [
    field('Order.BillingFirstname', a.firstName),
    field('Order.BillingLastname', a.lastName),
    field('Order.BillingStreet', a.address1),
    field('Order.BillingCity', a.city),
    field('Order.BillingZipcode', a.zip),
    field('Order.BillingState', regionCode(a)),
    field('Order.BillingCountry', countryName(a)),
    field('Order.BillingTele', a.phone),
    field('Order.BillingCompany', a.company),
  ];
}

export function buyerCreatedFields(buyer: Buyer, account: Account, link: string): RuleField[] {
  return [
    field('Buyer.AccountName', account.name),
    field('Buyer.FirstName', buyer.firstName),
    field('Buyer.LastName', buyer.lastName),
    field('Buyer.CompanyName', buyer.company),
    field('Buyer.WelcomeLink', link),
    SOURCE,
  ];
}

export function passwordResetFields(person: Buyer | Customer, language: string, link: string): RuleField[] {
  const a = person.billingAddress;
  const phone = 'phone' in person && person.phone ? person.phone : a.phone;
  return [
    field('Customer.Firstname', person.firstName),
    field('Customer.Lastname', person.lastName),
    field('Customer.Language', language),
    field('Customer.Tele', phone),
    field('Customer.City', a.city),
    field('Customer.Country', countryName(a)),
    field('Customer.Zipcode', a.zip),
    field('Customer.Address1', a.address1),
    field('Customer.Address2', a.address2),
    field('Customer.PasswordRestoreLink', link),
    SOURCE,
  ];
}

export function invoiceFields(inv: Invoice, message: string, store: { name: string; email: string }): RuleField[] {
  return [
    field('Invoice.Id', inv.id),
    // A manual invoice has no order: Rule refuses a null value, so the field is left out.
    ...(inv.orderNumber === null ? [] : [field('Invoice.OrderNumber', inv.orderNumber)]),
    field('Invoice.Link', inv.link),
    field('Invoice.PayLink', inv.payLink),
    field('Invoice.Date', longDateTime(inv.createdAt)),
    field('Invoice.Name', personName(inv.address)),
    field('Invoice.Company', inv.address.company),
    field('Invoice.PoNumber', inv.purchaseOrderNumber),
    field('Invoice.Type', inv.kind),
    field('Invoice.CustomMessage', renderInvoiceMessage(message, inv, store)),
    field('Invoice.Items', phpJsonEncode(invoiceItems(inv))),
    field('Account.BuyerId', inv.buyer.id),
    field('Account.BuyerName', inv.buyer.firstName),
    field('Account.BuyerSurname', inv.buyer.lastName),
    field('Account.Id', inv.account.id),
    field('Account.CompanyName', inv.buyer.company),
    SOURCE,
  ];
}
