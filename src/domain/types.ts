// The one normalized model every mapper reads. Amounts are decimals in the customer's currency,
// tax included, as Centra keeps them; conversions and sums live in domain/amounts.ts.
import type { Decimal } from './money.ts';

export type StoreKind = 'wholesale' | 'dtc';

export interface Address {
  firstName: string;
  lastName: string;
  company: string;
  address1: string;
  address2: string;
  city: string;
  zip: string;
  /** Free-text state or province, when no state object is known. */
  stateOrProvince: string;
  state: { code: string; name: string } | null;
  country: { code: string; name: string } | null;
  email: string;
  phone: string;
}

export interface Person {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
}

export interface Buyer extends Person {
  phone: string;
  company: string;
  billingAddress: Address;
  receiveAutoEmails: boolean;
  /** Buyer-level "Send order receipt": null follows the store setting. */
  sendOrderReceipt: boolean | null;
}

export interface Customer extends Person {
  isRegistered: boolean;
  language: string | null;
  billingAddress: Address;
  newsletter: boolean;
  /** The contact id in the ESP the brand syncs customers to, when the snapshot carries one (not a Centra field: null from Centra's API). */
  espContactId: string | null;
}

export interface SalesRep {
  id: number;
  name: string;
  email: string;
}

export interface Account {
  id: number;
  name: string;
  salesRep: SalesRep | null;
  paymentTerms: string;
  shippingTerms: string;
  shippingEmail: string;
  carrier: Carrier;
  market: Ref | null;
  pricelist: Ref | null;
}

export interface Ref {
  id: number;
  name: string;
}

export interface Carrier {
  carrier: string;
  service: string;
}

export interface Line {
  id: number;
  kind: 'product' | 'bundle' | 'gift_certificate';
  displayId: number | null;
  displayUri: string;
  productId: number;
  variantId: number;
  productName: string;
  variantName: string;
  /** The product's folder (type). */
  folder: string;
  /** Size name, e.g. "M". */
  sizeName: string;
  /** Size as shown to buyers, e.g. "M PL". */
  sizeLabel: string;
  /** Full SKU: product + variant + size numbers. */
  sku: string;
  productSku: string;
  variantSku: string;
  sizeSku: string;
  gtin: string;
  ean: string;
  upc: string;
  brand: { name: string; uri: string };
  category: { id: number | null; names: string[]; uri: string };
  collection: { id: number; name: string | null; uri: string } | null;
  quantity: number;
  unitPrice: Decimal;
  unitOriginalPrice: Decimal;
  taxPercent: Decimal;
  rrpPerUnit: Decimal;
  comment: string;
  productUrl: string;
  /** Main image: size name → URL. */
  images: Record<string, string>;
  product: {
    uri: string;
    countryOfOrigin: string | null;
    excerpt: string;
    stockUnit: string;
    createdAt: string;
    modifiedAt: string;
    attributes: Record<string, unknown>;
  };
}

export interface Order {
  hashId: string;
  number: number;
  status: string;
  store: { id: number; kind: StoreKind };
  market: Ref | null;
  pricelist: Ref | null;
  deliveryCountry: string | null;
  siteLanguage: string | null;
  /** ISO 8601 with the store's offset, as Centra gives it. */
  createdAt: string;
  currency: string;
  baseRate: Decimal;
  lines: Line[];
  shipping: Decimal;
  shippingTax: Decimal;
  handling: Decimal;
  taxDeducted: Decimal;
  paymentMethod: string;
  /** DTC payment plugin; null on wholesale orders. */
  paymentPlugin: string | null;
  /** DTC shipping option; null on wholesale orders. */
  shippingOption: string | null;
  carrier: Carrier;
  billingAddress: Address;
  shippingAddress: Address;
  customer: Customer | null;
  buyer: Buyer | null;
  account: Account | null;
  purchaseOrderNumber: string;
  deliveryWindows: string[];
  isSubscription: boolean;
  /** true: a successful authorization or capture; false: a failed one; null: unknown. */
  paymentSucceeded: boolean | null;
  attributes: Record<string, string>;
}

export interface Shipment {
  id: number;
  number: string;
  shippedAt: string;
  trackingNumber: string;
  packages: number;
  carrier: Carrier;
  additionalMessage: string;
  /** The order lines in this shipment, with the shipped quantity. */
  lines: Line[];
  shipping: Decimal;
  order: Order;
}

export interface Refund {
  id: number;
  createdAt: string;
  /** The order lines returned, with the returned quantity. */
  lines: Line[];
  shipping: Decimal;
  order: Order;
}

export interface InvoiceLine {
  productId: number;
  variantId: number;
  productNumber: string;
  brand: string;
  productName: string;
  variantName: string;
  size: string;
  quantity: number;
  unitOriginalPrice: Decimal;
  unitPrice: Decimal;
  taxPercent: Decimal;
}

export interface Invoice {
  id: number;
  kind: 'invoice' | 'creditnote';
  createdAt: string;
  currency: string;
  orderNumber: number | null;
  purchaseOrderNumber: string;
  address: Address;
  buyer: Person & { company: string };
  account: Account;
  store: { id: number; kind: StoreKind };
  lines: InvoiceLine[];
  link: string;
  payLink: string;
}
