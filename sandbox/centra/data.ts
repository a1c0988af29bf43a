// Deterministic, realistic Centra data for the emulator: a wholesale (Showroom) store and a DTC
// store, markets, pricelists, currencies, accounts, buyers, customers, orders, shipments,
// returns, invoices and credit notes, plus the event timeline that produced them.
// Objects are kept in Centra's GraphQL shape (what the emulator serves); `visibleAt` and the
// `*History` fields let the emulator answer "as of" a clock.

// --- seeded randomness ------------------------------------------------------------------------
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.next() * arr.length)];
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

// --- shapes (Centra GraphQL) --------------------------------------------------------------------
export interface Money {
  value: number;
  currency: { id: number; code: string };
  formattedValue: string;
  conversionRate: number;
}
export interface StoreRef {
  id: number;
  name: string;
  type: 'WHOLESALE' | 'DIRECT_TO_CONSUMER';
}
export interface Ref {
  id: number;
  name: string;
}
export interface Currency {
  id: number;
  code: 'SEK' | 'EUR' | 'DKK' | 'USD';
  /** Value of one unit in the base currency (EUR). */
  baseRate: number;
  decimals: number;
}
export interface MarketDef extends Ref {
  store: StoreRef;
  countries: string[];
}
export interface PricelistDef extends Ref {
  store: StoreRef;
  currency: Currency;
}
export interface Address {
  firstName: string;
  lastName: string;
  companyName: string;
  attention: string;
  address1: string;
  address2: string;
  city: string;
  zipCode: string;
  stateOrProvince: string;
  state: { code: string; name: string } | null;
  country: { id: number; code: string; name: string };
  email: string;
  phoneNumber: string;
  cellPhoneNumber: string;
}
export interface Attribute {
  __typename: 'DynamicAttribute' | 'MappedAttribute';
  type: { name: string; description: string; isMapped: boolean; isMulti: boolean };
  description: string;
  elements: (
    | { __typename: 'AttributeStringElement'; key: string; description: string; kind: 'INPUT' | 'TEXTAREA'; value: string }
    | { __typename: 'AttributeChoiceElement'; key: string; description: string; kind: 'SELECT'; isMulti: boolean; selectedValue: string; selectedValueName: string }
    | { __typename: 'AttributeImageElement'; key: string; description: string; kind: 'IMAGE'; url: string; width: number; height: number; mimeType: string }
  )[];
}
export interface Account {
  id: number;
  name: string;
  status: 'ACTIVE';
  store: StoreRef;
  createdAt: string;
  discountPercent: number;
  salesRepresentative: { id: number; name: string; email: string; status: 'ACTIVE'; commissionPercent: number } | null;
  paymentTerms: { id: number; description: string };
  shippingTerms: { id: number; description: string };
  accountEmail: string;
  billingEmail: string;
  shippingEmail: string;
  vatNumber: string;
  carrierInformation: { carrierName: string; serviceName: string } | null;
  market: Ref;
  pricelist: Ref;
  billingAddress: Address;
  accountAddress: Address;
  /** Internal: the account's country and tax rate. */
  countryCode: string;
  taxPercent: number;
  buyerIds: number[];
}
export interface Buyer {
  id: number;
  status: 'ACTIVE';
  email: string;
  firstName: string;
  lastName: string;
  phoneNumber: string;
  cellPhoneNumber: string;
  companyName: string;
  createdAt: string;
  totalOrders: number;
  billingAddress: Address;
  store: StoreRef;
  receiveAutoEmails: boolean;
  sendOrderReceipt: boolean | null;
  accountId: number;
  /** Internal: where the buyer was created (direct-event context). */
  createdIn: 'showroom' | 'ams' | 'api';
  visibleAt: number;
}
export interface Customer {
  id: number;
  status: 'ACTIVE';
  email: string;
  firstName: string;
  lastName: string;
  phoneNumber: string;
  createdAt: string;
  totalOrders: number;
  isRegistered: boolean;
  newsletter: boolean;
  engageContactId: string | null;
  language: { id: number; code: string; name: string };
  billingAddress: Address;
  store: StoreRef;
  market: Ref;
  pricelist: Ref;
  visibleAt: number;
}
export interface PaymentEntry {
  id: number;
  entryType: string;
  status: 'SUCCESS' | 'PENDING' | 'FAILED';
  value: Money;
  createdAt: string;
  paymentMethod: string;
  externalReference: string;
  /** Internal: when the entry appears. */
  at: number;
}
export interface OrderLine {
  __typename: 'ProductOrderLine';
  id: number;
  productName: string;
  productVariantName: string;
  folderName: string;
  size: string;
  productNumber: string;
  quantity: number;
  cancelledQuantity: number;
  returnedQuantity: number;
  taxPercent: number;
  unitPrice: Money;
  unitOriginalPrice: Money;
  lineValue: Money;
  discountPercent: number;
  hasAnyDiscount: boolean;
  comment: string;
  productExternalUrl: string;
  display: { id: number; uri: string };
  product: { id: number; name: string; uri: string; countryOfOrigin: { code: string; name: string } | null; excerpt: string; stockUnit: string; createdAt: string; updatedAt: string; attributes: Attribute[] };
  productVariant: { id: number; name: string; variantNumber: string };
  productSize: { SKU: string; GTIN: string; EAN: string; UPC: string; sizeNumber: string; description: string };
  brand: { id: number; name: string; uri: string };
  category: { id: number; name: string[]; uri: string };
  collection: { id: number; name: string; uri: string } | null;
  media: { sources: { sizeName: string; url: string }[] }[];
  recommendedRetailPrice: Money | null;
}
export interface Order {
  __typename: 'DirectToConsumerOrder' | 'WholesaleOrder';
  id: string;
  number: number;
  /** The final status; the emulator derives the status at its clock from `statusHistory`. */
  status: string;
  statusHistory: { status: string; at: number }[];
  createdAt: string;
  updatedAt: string;
  orderDate: string;
  store: StoreRef;
  market: Ref;
  pricelist: Ref;
  country: { id: number; code: string; name: string };
  language: { id: number; code: string; name: string };
  currencyBaseRate: number;
  grandTotal: Money;
  totals: Record<string, Money | number | null>;
  discountsApplied: { __typename: 'AppliedVoucherDiscount'; value: Money; date: string; code: string; voucherName: string; voucherMethod: 'CODE' }[];
  paymentMethod: { name: string; plugin: string; uri: string };
  shippingPriceGroup: { shippingOption: { id: number; name: string; uri: string } } | null;
  carrierInformation: { carrierName: string; serviceName: string } | null;
  shippingAddress: Address;
  billingAddress: Address;
  lines: OrderLine[];
  paymentHistory: PaymentEntry[];
  attributes: Attribute[];
  otherComment: string;
  isOnHold: boolean;
  userIP: string;
  customerId?: number;
  buyerId?: number;
  accountId?: number;
  purchaseOrderNumber?: string;
  deliveryWindows?: { __typename: 'PreorderDeliveryWindow'; id: number; name: string; deliveryStartDate: string; deliveryEndDate: string }[];
  subscriptionContracts?: { id: number }[];
  visibleAt: number;
}
export interface Shipment {
  __typename: 'DirectToConsumerShipment' | 'WholesaleShipment';
  id: number;
  number: string;
  createdAt: string;
  updatedAt: string;
  isGoodToGo: boolean;
  isPrinted: boolean;
  isOnHold: boolean;
  isPaid: boolean;
  isCaptured: boolean;
  trackingNumber: string;
  returnTrackingNumber: string;
  numberOfPackages: number;
  carrierInformation: { carrierName: string; serviceName: string };
  additionalMessage: string;
  shippingValue: Money;
  grandTotal: Money;
  lines: { id: number; orderLine: { id: number }; quantity: number }[];
  orderNumber: number;
  visibleAt: number;
  goodToGoAt: number;
  shippedAtMs: number;
  shippedAt: string;
}
export interface Return {
  __typename: 'DirectToConsumerReturn' | 'WholesaleReturn';
  id: number;
  createdAt: string;
  returnStatus: string;
  completedAt: number;
  totalQuantity: number;
  returnedToStock: boolean;
  lines: { id: number; orderLine: { id: number }; quantity: number }[];
  shippingValue: Money | null;
  grandTotal: Money;
  refundPaymentHistory: PaymentEntry[];
  orderNumber: number;
  visibleAt: number;
}
export interface Invoice {
  __typename: 'WholesaleInvoice';
  id: number;
  type: 'invoice' | 'creditnote';
  createdAt: string;
  currency: { id: number; code: string };
  orderNumber: number | null;
  address: Address;
  buyerId: number;
  accountId: number;
  store: StoreRef;
  lines: { product: { id: number }; productVariant: { id: number; name: string }; productNumber: string; productName: string; brand: { name: string }; size: string; quantity: number; unitOriginalPrice: Money; unitPrice: Money; taxPercent: number }[];
  link: string;
  payLink: string;
  visibleAt: number;
}

/** A webhook event of the timeline; `context` (and channel `direct`) for what Centra's webhooks cannot say. */
export interface TimelineEvent {
  type: 'order' | 'shipment' | 'return' | 'customer' | 'buyer' | 'invoice' | 'account';
  action: string;
  id: number;
  /** `YYYY-MM-DD HH:MM:SS.ffffff`, UTC. */
  date: string;
  /** Milliseconds since epoch of `date`. */
  at: number;
  /** `webhook`: Centra's webhook (ids only); `direct`: the bridge's direct-event API, with `context`. */
  channel: 'webhook' | 'direct';
  context?: Record<string, unknown>;
}

export interface Dataset {
  seed: number;
  stores: { wholesale: StoreRef; dtc: StoreRef };
  currencies: Currency[];
  markets: MarketDef[];
  pricelists: PricelistDef[];
  languages: { id: number; code: string; name: string }[];
  accounts: Account[];
  buyers: Buyer[];
  customers: Customer[];
  orders: Order[];
  shipments: Shipment[];
  returns: Return[];
  invoices: Invoice[];
  timeline: TimelineEvent[];
}

export interface GenerateOptions {
  seed?: number;
  /** Number of orders (default 200). */
  orders?: number;
  /** Share of orders placed in the wholesale store (default 0.35). */
  wholesaleShare?: number;
  /** First order's time (default 2024-03-04T08:00:00Z). */
  start?: string;
  showroomUrl?: string;
}

// --- reference data -------------------------------------------------------------------------------
const WHOLESALE: StoreRef = { id: 1, name: 'Showroom', type: 'WHOLESALE' };
const DTC: StoreRef = { id: 2, name: 'Webshop', type: 'DIRECT_TO_CONSUMER' };

const CURRENCIES: Currency[] = [
  { id: 1, code: 'EUR', baseRate: 1, decimals: 2 },
  { id: 2, code: 'SEK', baseRate: 0.0873, decimals: 2 },
  { id: 3, code: 'DKK', baseRate: 0.13402, decimals: 2 },
  { id: 4, code: 'USD', baseRate: 0.9215, decimals: 2 },
];
const cur = (code: Currency['code']) => CURRENCIES.find((c) => c.code === code)!;

const LANGUAGES = [
  { id: 1, code: 'sv-SE', name: 'Swedish' },
  { id: 2, code: 'de-DE', name: 'German' },
  { id: 3, code: 'en-US', name: 'English (US)' },
  { id: 4, code: 'en-GB', name: 'English (UK)' },
  { id: 5, code: 'da-DK', name: 'Danish' },
];
const lang = (code: string) => LANGUAGES.find((l) => l.code === code)!;

interface CountryDef {
  id: number;
  code: string;
  name: string;
  tax: number;
  reducedTax: number;
  language: string;
  cities: [string, string][];
  states?: { code: string; name: string }[];
}
const COUNTRIES: CountryDef[] = [
  { id: 1, code: 'SE', name: 'Sweden', tax: 25, reducedTax: 12, language: 'sv-SE', cities: [['Stockholm', '111 22'], ['Göteborg', '411 04'], ['Malmö', '211 20'], ['Uppsala', '753 20']] },
  { id: 2, code: 'DE', name: 'Germany', tax: 19, reducedTax: 19, language: 'de-DE', cities: [['Berlin', '10115'], ['Hamburg', '20095'], ['München', '80331'], ['Köln', '50667']] },
  { id: 3, code: 'DK', name: 'Denmark', tax: 25, reducedTax: 25, language: 'da-DK', cities: [['København', '1050'], ['Aarhus', '8000'], ['Odense', '5000']] },
  {
    id: 4, code: 'US', name: 'United States', tax: 0, reducedTax: 0, language: 'en-US', cities: [['New York', '10001'], ['Los Angeles', '90012'], ['Austin', '73301']],
    states: [{ code: 'NY', name: 'New York' }, { code: 'CA', name: 'California' }, { code: 'TX', name: 'Texas' }],
  },
  { id: 5, code: 'GB', name: 'United Kingdom', tax: 0, reducedTax: 0, language: 'en-GB', cities: [['London', 'EC1A 1BB'], ['Manchester', 'M1 1AE'], ['Edinburgh', 'EH1 1YZ']] },
];
const country = (code: string) => COUNTRIES.find((c) => c.code === code)!;

const MARKETS: MarketDef[] = [
  { id: 1, name: 'Nordics B2B', store: WHOLESALE, countries: ['SE', 'DK'] },
  { id: 2, name: 'EU B2B', store: WHOLESALE, countries: ['DE'] },
  { id: 3, name: 'North America B2B', store: WHOLESALE, countries: ['US'] },
  { id: 4, name: 'Sweden', store: DTC, countries: ['SE'] },
  { id: 5, name: 'Germany', store: DTC, countries: ['DE'] },
  { id: 6, name: 'Denmark', store: DTC, countries: ['DK'] },
  { id: 7, name: 'United States', store: DTC, countries: ['US'] },
  { id: 8, name: 'United Kingdom', store: DTC, countries: ['GB'] },
];
const PRICELISTS: PricelistDef[] = [
  { id: 19, name: 'DKK Wholesale', store: WHOLESALE, currency: cur('DKK') },
  { id: 20, name: 'EUR Wholesale', store: WHOLESALE, currency: cur('EUR') },
  { id: 21, name: 'USD Wholesale', store: WHOLESALE, currency: cur('USD') },
  { id: 22, name: 'SEK Wholesale', store: WHOLESALE, currency: cur('SEK') },
  { id: 30, name: 'SEK Retail', store: DTC, currency: cur('SEK') },
  { id: 31, name: 'EUR Retail', store: DTC, currency: cur('EUR') },
  { id: 32, name: 'DKK Retail', store: DTC, currency: cur('DKK') },
  { id: 33, name: 'USD Retail', store: DTC, currency: cur('USD') },
];
const pricelistFor = (store: StoreRef, code: string): PricelistDef => {
  const currency = store.type === 'WHOLESALE'
    ? { SE: 'SEK', DK: 'DKK', DE: 'EUR', US: 'USD', GB: 'EUR' }[code]!
    : { SE: 'SEK', DK: 'DKK', DE: 'EUR', US: 'USD', GB: 'EUR' }[code]!;
  return PRICELISTS.find((p) => p.store.id === store.id && p.currency.code === currency)!;
};
const marketFor = (store: StoreRef, code: string): MarketDef => MARKETS.find((m) => m.store.id === store.id && m.countries.includes(code))!;

const FIRST = ['Anna', 'Erik', 'Maja', 'Lars', 'Sofia', 'Jonas', 'Emma', 'Lukas', 'Freja', 'Mads', 'Olivia', 'Noah', 'Hannah', 'Felix', 'Ida', 'Oscar', 'Clara', 'Liam', 'Ebba', 'Jakob'];
const LAST = ['Lindqvist', 'Andersson', 'Schmidt', 'Jensen', 'Nielsen', 'Berg', 'Müller', 'Smith', 'Johnson', 'Karlsson', 'Hansen', 'Weber', 'Brown', 'Holm', 'Fischer', 'Larsen', 'Taylor', 'Ek'];
const STREETS = ['Storgatan', 'Hauptstraße', 'Vesterbrogade', 'Main Street', 'Drottninggatan', 'Friedrichstraße', 'Nørregade', 'High Street', 'Kungsgatan', 'Oak Avenue'];
const COMPANIES = ['Miss Berry', 'Nordic Threads AB', 'Modehaus Keller', 'Kbh Concept Store', 'Brooklyn Supply Co', 'Linnea & Söner', 'Stil Berlin GmbH', 'Aarhus Atelier', 'West Coast Goods', 'Fjäll Outfitters', 'Hafen Mode', 'Pier 9 Boutique', 'Östermalm Herr', 'Sund Living'];
const REPS = [
  { id: 13, name: 'Karin Sjöberg', email: 'karin.sjoberg@brand.example', commissionPercent: 5 },
  { id: 14, name: 'Thomas Vogel', email: 'thomas.vogel@brand.example', commissionPercent: 4 },
  { id: 15, name: 'Megan Reilly', email: 'megan.reilly@brand.example', commissionPercent: 6 },
];
const PAYMENT_TERMS = [{ id: 1, description: 'Net 30' }, { id: 2, description: 'Net 60' }, { id: 3, description: 'Prepayment 30%' }, { id: 4, description: 'Net 14' }];
const SHIPPING_TERMS = [{ id: 1, description: 'DAP' }, { id: 2, description: 'EXW Stockholm' }, { id: 3, description: 'FCA Göteborg' }, { id: 4, description: 'DDP' }];
const CARRIERS = [
  { carrierName: 'DHL Express', serviceName: 'Express Worldwide' },
  { carrierName: 'DB Schenker', serviceName: 'System' },
  { carrierName: 'UPS', serviceName: 'Standard' },
  { carrierName: 'PostNord', serviceName: 'MyPack Home' },
];
const DTC_PAYMENT = [
  { name: 'Klarna Checkout', plugin: 'klarna_checkout_v3', uri: 'klarna' },
  { name: 'Adyen Drop-In', plugin: 'adyen_drop_in', uri: 'adyen' },
  { name: 'PayPal', plugin: 'paypal_commerce', uri: 'paypal' },
];
const SHIPPING_OPTIONS = [{ id: 1, name: 'Standard', uri: 'standard' }, { id: 2, name: 'Express', uri: 'express' }, { id: 3, name: 'Pick-up point', uri: 'pickup' }];
const DELIVERY_WINDOWS = ['SS25 Early delivery', 'SS25 Main delivery', 'AW25 Pre-order'];

interface ProductDef {
  id: number;
  name: string;
  folder: string;
  category: string[];
  brand: { id: number; name: string; uri: string };
  basePriceEur: number;
  reduced: boolean;
  sizes: string[];
  variants: { id: number; name: string }[];
  number: string;
  origin: { code: string; name: string } | null;
  collection: { id: number; name: string; uri: string } | null;
}
const BRANDS = [{ id: 4, name: 'Nordvik', uri: 'nordvik' }, { id: 5, name: 'Halden & Co', uri: 'halden-co' }, { id: 6, name: 'Sölvberg', uri: 'solvberg' }];
const PRODUCT_BASE: [string, string, string[], number, boolean, string[]][] = [
  ['Oxford Shirt', 'Shirts', ['men', 'shirts'], 89, false, ['S', 'M', 'L', 'XL']],
  ['Linen Camp Shirt', 'Shirts', ['men', 'shirts'], 79, false, ['S', 'M', 'L', 'XL']],
  ['Merino Crew Neck', 'Knitwear', ['women', 'knitwear'], 129, false, ['XS', 'S', 'M', 'L']],
  ['Cable Knit Cardigan', 'Knitwear', ['women', 'knitwear'], 159, false, ['XS', 'S', 'M', 'L']],
  ['Wide Leg Trousers', 'Trousers', ['women', 'trousers'], 119, false, ['34', '36', '38', '40', '42']],
  ['Chino Regular', 'Trousers', ['men', 'trousers'], 99, false, ['30', '32', '34', '36']],
  ['Wool Overcoat', 'Outerwear', ['men', 'outerwear'], 399, false, ['S', 'M', 'L', 'XL']],
  ['Padded Parka', 'Outerwear', ['women', 'outerwear'], 349, false, ['XS', 'S', 'M', 'L']],
  ['Leather Belt', 'Accessories', ['accessories'], 59, false, ['85', '90', '95']],
  ['Cashmere Beanie', 'Accessories', ['accessories'], 69, false, ['One Size']],
  ['Canvas Tote', 'Accessories', ['accessories'], 39, false, ['One Size']],
  ['Organic Cotton Tee', 'T-shirts', ['women', 't-shirts'], 35, false, ['XS', 'S', 'M', 'L', 'XL']],
  ['Kids Rain Jacket', 'Kids', ['kids', 'outerwear'], 59, true, ['98', '110', '122', '134']],
  ['The Nordic Wardrobe (book)', 'Books', ['lifestyle', 'books'], 29, true, ['One Size']],
];
const COLOURS = ['Navy', 'Off White', 'Black', 'Forest Green', 'Camel', 'Grey Melange', 'Rust'];

// --- helpers --------------------------------------------------------------------------------------
const round2 = (n: number) => Math.round(n * 100) / 100;
function money(value: number, c: Currency): Money {
  const v = round2(value);
  return { value: v, currency: { id: c.id, code: c.code }, formattedValue: `${v.toFixed(2)} ${c.code}`, conversionRate: 1 };
}
function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
/** Centra's webhook date: `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function centraDate(ms: number): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)}.${d.slice(20, 23)}000`;
}
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function price(eur: number, c: Currency, wholesale: boolean): number {
  const raw = (eur * (wholesale ? 0.45 : 1)) / c.baseRate;
  // Retail prices end in a round number (1290 SEK, 129 EUR); wholesale keeps cents.
  if (wholesale) return round2(raw);
  if (c.code === 'SEK' || c.code === 'DKK') return Math.max(10, Math.round(raw / 10) * 10);
  return round2(Math.max(1, Math.round(raw)) - 0.05);
}

// --- generator ---------------------------------------------------------------------------------------
export function generateDataset(opts: GenerateOptions = {}): Dataset {
  const seed = opts.seed ?? 1;
  const nOrders = opts.orders ?? 200;
  const wholesaleShare = opts.wholesaleShare ?? 0.35;
  const showroom = opts.showroomUrl ?? 'https://showroom.brand.example';
  const rng = new Rng(seed);
  let clock = Date.parse(opts.start ?? '2024-03-04T08:00:00Z');
  const timeline: TimelineEvent[] = [];
  const emit = (e: Omit<TimelineEvent, 'date' | 'channel'> & { channel?: TimelineEvent['channel'] }) =>
    timeline.push({ ...e, channel: e.channel ?? 'webhook', date: centraDate(e.at) });

  let paymentId = 9000;
  let attrSeq = 0;

  // Products.
  const products: ProductDef[] = PRODUCT_BASE.map(([name, folder, category, eur, reduced, sizes], i) => ({
    id: 400 + i,
    name,
    folder,
    category,
    brand: BRANDS[i % BRANDS.length],
    basePriceEur: eur,
    reduced,
    sizes,
    variants: [0, 1, 2].slice(0, 1 + (i % 3)).map((k) => ({ id: 2300 + i * 10 + k, name: COLOURS[(i + k * 3) % COLOURS.length] })),
    number: `${10 + i}${String(1000 + i * 37).padStart(4, '0')}`,
    origin: i % 4 === 0 ? { code: 'PT', name: 'Portugal' } : i % 4 === 1 ? { code: 'LT', name: 'Lithuania' } : null,
    collection: i % 2 === 0 ? { id: 7, name: 'SS25', uri: 'ss25' } : { id: 8, name: 'Core', uri: 'core' },
  }));

  function address(c: CountryDef, first: string, last: string, email: string, company = ''): Address {
    const [city, zip] = rng.pick(c.cities);
    const state = c.states ? rng.pick(c.states) : null;
    return {
      firstName: first,
      lastName: last,
      companyName: company,
      attention: '',
      address1: `${rng.pick(STREETS)} ${rng.int(1, 120)}`,
      address2: rng.chance(0.2) ? `Apt ${rng.int(1, 40)}` : '',
      city,
      zipCode: zip,
      stateOrProvince: state?.name ?? '',
      state,
      country: { id: c.id, code: c.code, name: c.name },
      email,
      phoneNumber: `+${c.code === 'US' ? '1' : c.code === 'GB' ? '44' : c.code === 'DE' ? '49' : c.code === 'DK' ? '45' : '46'}${rng.int(100000000, 999999999)}`,
      cellPhoneNumber: '',
    };
  }
  const emailOf = (first: string, last: string, domain: string, n: number) =>
    `${first}.${last}${n}@${domain}`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9.@+-]/g, '');

  // Accounts and buyers (wholesale).
  const accounts: Account[] = [];
  const buyers: Buyer[] = [];
  const nAccounts = Math.max(4, Math.ceil((nOrders * wholesaleShare) / 8));
  const setupStart = clock - 30 * DAY;
  for (let i = 0; i < nAccounts; i++) {
    const c = country(rng.pick(['SE', 'SE', 'DK', 'DE', 'DE', 'US']));
    const name = i < COMPANIES.length ? COMPANIES[i] : `${rng.pick(COMPANIES)} ${i}`;
    const domain = name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '') + '.example';
    const rep = rng.chance(0.6) ? { ...rng.pick(REPS), status: 'ACTIVE' as const } : null;
    const pl = pricelistFor(WHOLESALE, c.code);
    const m = marketFor(WHOLESALE, c.code);
    const billing = address(c, '', '', `accounts@${domain}`, name);
    const account: Account = {
      id: 3 + i,
      name,
      status: 'ACTIVE',
      store: WHOLESALE,
      createdAt: iso(setupStart + i * HOUR),
      discountPercent: rng.pick([0, 0, 5, 10]),
      salesRepresentative: rep,
      paymentTerms: rng.pick(PAYMENT_TERMS),
      shippingTerms: rng.pick(SHIPPING_TERMS),
      accountEmail: `info@${domain}`,
      billingEmail: `invoices@${domain}`,
      shippingEmail: rng.chance(0.9) ? `warehouse@${domain}` : '',
      vatNumber: c.code === 'US' ? '' : `${c.code}${rng.int(100000000, 999999999)}01`,
      carrierInformation: rng.chance(0.7) ? rng.pick(CARRIERS) : null,
      market: { id: m.id, name: m.name },
      pricelist: { id: pl.id, name: pl.name },
      billingAddress: billing,
      accountAddress: billing,
      countryCode: c.code,
      // Domestic B2B pays VAT; other countries buy VAT-free (reverse charge / export).
      taxPercent: c.code === 'SE' ? 25 : 0,
      buyerIds: [],
    };
    accounts.push(account);
    const nBuyers = rng.int(1, 3);
    for (let b = 0; b < nBuyers; b++) {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      const id = 370 + buyers.length;
      const buyer: Buyer = {
        id,
        status: 'ACTIVE',
        email: emailOf(first, last, domain, id),
        firstName: first,
        lastName: last,
        phoneNumber: billing.phoneNumber,
        cellPhoneNumber: '',
        companyName: name,
        createdAt: iso(setupStart + i * HOUR + (b + 1) * 10 * MIN),
        totalOrders: 0,
        billingAddress: billing,
        store: WHOLESALE,
        receiveAutoEmails: rng.chance(0.9),
        sendOrderReceipt: rng.chance(0.8) ? null : rng.chance(0.5),
        accountId: account.id,
        createdIn: rng.pick(['showroom', 'ams', 'ams', 'api'] as const),
        visibleAt: setupStart + i * HOUR + (b + 1) * 10 * MIN,
      };
      buyers.push(buyer);
      account.buyerIds.push(id);
    }
  }
  const accountById = (id: number) => accounts.find((a) => a.id === id)!;

  // Customers (DTC) are made as orders need them; some order again.
  const customers: Customer[] = [];
  function newCustomer(at: number): Customer {
    const c = country(rng.pick(['SE', 'SE', 'SE', 'DE', 'DE', 'DK', 'US', 'GB']));
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const id = 1000 + customers.length;
    const m = marketFor(DTC, c.code);
    const pl = pricelistFor(DTC, c.code);
    const email = emailOf(first, last, rng.pick(['mail.example', 'inbox.example', 'post.example']), id);
    const registered = rng.chance(0.6);
    const customer: Customer = {
      id,
      status: 'ACTIVE',
      email,
      firstName: first,
      lastName: last,
      phoneNumber: '',
      createdAt: iso(at),
      totalOrders: 0,
      isRegistered: registered,
      newsletter: rng.chance(registered ? 0.55 : 0.25),
      engageContactId: registered && rng.chance(0.5) ? rng.uuid() : null,
      language: lang(c.language),
      billingAddress: address(c, first, last, email),
      store: DTC,
      market: { id: m.id, name: m.name },
      pricelist: { id: pl.id, name: pl.name },
      visibleAt: at,
    };
    customer.phoneNumber = customer.billingAddress.phoneNumber;
    customers.push(customer);
    emit({ type: 'customer', action: 'create', id, at });
    return customer;
  }

  // Buyers "created" before the first order: welcome events go through the direct API (context).
  for (const b of buyers) {
    emit({
      type: 'buyer',
      action: 'create',
      id: b.id,
      at: b.visibleAt,
      channel: 'direct',
      context: { createdIn: b.createdIn, link: `${showroom}/welcome?id=${b.id}&i=${rng.hex(32)}` },
    });
  }

  const orders: Order[] = [];
  const shipments: Shipment[] = [];
  const returns: Return[] = [];
  const invoices: Invoice[] = [];
  let shipmentId = 5100;
  let returnId = 700;
  let invoiceId = 500;
  let lineId = 1;

  function payment(entryType: string, status: PaymentEntry['status'], value: number, c: Currency, at: number, method: string): PaymentEntry {
    return { id: paymentId++, entryType, status, value: money(value, c), createdAt: iso(at), paymentMethod: method, externalReference: rng.hex(16).toUpperCase(), at };
  }
  function stringAttribute(name: string, description: string, value: string): Attribute {
    attrSeq++;
    return {
      __typename: 'DynamicAttribute',
      type: { name, description, isMapped: false, isMulti: false },
      description,
      elements: [{ __typename: 'AttributeStringElement', key: 'text', description, kind: 'INPUT', value }],
    };
  }

  for (let n = 0; n < nOrders; n++) {
    clock += rng.int(5, 150) * MIN;
    const created = clock;
    const wholesale = rng.chance(wholesaleShare);
    const store = wholesale ? WHOLESALE : DTC;
    const number = 10001 + n;

    let account: Account | undefined;
    let buyer: Buyer | undefined;
    let customer: Customer | undefined;
    let countryCode: string;
    if (wholesale) {
      account = rng.pick(accounts);
      const buyerId = rng.pick(account.buyerIds);
      buyer = buyers.find((b) => b.id === buyerId)!;
      buyer.totalOrders++;
      countryCode = account.countryCode;
    } else {
      const returning = customers.filter((c) => c.isRegistered);
      customer = returning.length > 5 && rng.chance(0.25) ? rng.pick(returning) : newCustomer(created - rng.int(1, 5) * MIN);
      customer.totalOrders++;
      countryCode = customer.billingAddress.country.code;
    }
    const c = country(countryCode);
    const pl = wholesale ? PRICELISTS.find((p) => p.id === account!.pricelist.id)! : pricelistFor(DTC, c.code);
    const m = wholesale ? MARKETS.find((x) => x.id === account!.market.id)! : marketFor(DTC, c.code);
    const currency = pl.currency;
    const language = wholesale ? lang(c.code === 'US' ? 'en-US' : c.language) : customer!.language;

    // Lines.
    const nLines = rng.int(1, wholesale ? 8 : 4);
    const used = new Set<number>();
    const lines: OrderLine[] = [];
    const discounted = !wholesale && rng.chance(0.3);
    for (let k = 0; k < nLines; k++) {
      let p = rng.pick(products);
      for (let tries = 0; used.has(p.id) && tries < 5; tries++) p = rng.pick(products);
      used.add(p.id);
      const variant = rng.pick(p.variants);
      const sizeIdx = rng.int(0, p.sizes.length - 1);
      const size = p.sizes[sizeIdx];
      const qty = wholesale ? rng.int(2, 24) : rng.chance(0.85) ? 1 : 2;
      const tax = wholesale ? account!.taxPercent : p.reduced ? c.reducedTax : c.tax;
      const original = price(p.basePriceEur, currency, wholesale);
      const pct = discounted && rng.chance(0.6) ? rng.pick([10, 20, 30]) : wholesale && account!.discountPercent ? account!.discountPercent : 0;
      const unit = round2(original * (1 - pct / 100));
      const sku = `${p.number}${String(sizeIdx + 1).padStart(2, '0')}`;
      const gtin = `73${String(p.id).padStart(4, '0')}${String(variant.id % 1000).padStart(3, '0')}${String(sizeIdx).padStart(3, '0')}`;
      const uri = p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '');
      lines.push({
        __typename: 'ProductOrderLine',
        id: lineId++,
        productName: p.name,
        productVariantName: variant.name,
        folderName: p.folder,
        size,
        productNumber: p.number,
        quantity: qty,
        cancelledQuantity: 0,
        returnedQuantity: 0,
        taxPercent: tax,
        unitPrice: money(unit, currency),
        unitOriginalPrice: money(original, currency),
        lineValue: money(unit * qty, currency),
        discountPercent: pct,
        hasAnyDiscount: pct > 0,
        comment: wholesale && rng.chance(0.1) ? 'Please pack by size' : '',
        productExternalUrl: `https://www.brand.example/product/${uri}`,
        display: { id: 1600 + p.id, uri },
        product: {
          id: p.id,
          name: p.name,
          uri,
          countryOfOrigin: p.origin,
          excerpt: `${p.name} by ${p.brand.name}.`,
          stockUnit: '',
          createdAt: iso(Date.parse('2023-01-10T09:00:00Z') + p.id * DAY),
          updatedAt: iso(Date.parse('2024-02-01T10:00:00Z') + p.id * HOUR),
          attributes: [
            {
              __typename: 'MappedAttribute',
              type: { name: 'sh_swatch', description: 'Swatch', isMapped: true, isMulti: false },
              description: 'Swatch',
              elements: [
                { __typename: 'AttributeStringElement', key: 'desc', description: 'Description', kind: 'INPUT', value: variant.name },
                { __typename: 'AttributeImageElement', key: 'image', description: 'Image', kind: 'IMAGE', url: `https://cdn.brand.example/swatch/${variant.id}.jpg`, width: 50, height: 50, mimeType: 'image/jpeg' },
              ],
            },
          ],
        },
        productVariant: { id: variant.id, name: variant.name, variantNumber: `${p.number}-${variant.id % 100}` },
        productSize: { SKU: sku, GTIN: gtin, EAN: gtin, UPC: '', sizeNumber: String(sizeIdx + 1), description: size },
        brand: p.brand,
        category: { id: 5 + PRODUCT_BASE.findIndex((x) => x[0] === p.name), name: p.category, uri: p.category.join('/') },
        collection: p.collection,
        media: [0, 1].map((img) => ({
          sources: ['mini', 'standard', 'full'].map((sizeName) => ({ sizeName, url: `https://cdn.brand.example/${sizeName}/${variant.id}-${img}.jpg` })),
        })),
        recommendedRetailPrice: wholesale ? money(price(p.basePriceEur, currency, false), currency) : null,
      });
    }
    const itemsTotal = round2(lines.reduce((s, l) => s + l.lineValue.value, 0));
    const shippingBase = wholesale ? (rng.chance(0.5) ? 0 : round2(25 / currency.baseRate)) : itemsTotal * currency.baseRate > 100 ? 0 : round2(5.95 / currency.baseRate);
    const shippingCost = currency.code === 'SEK' || currency.code === 'DKK' ? Math.round(shippingBase) : shippingBase;
    const voucher = !wholesale && rng.chance(0.15) ? { code: rng.pick(['WELCOME10', 'SPRING15', 'VIP20']), pct: rng.pick([10, 15, 20]) } : null;
    const voucherValue = voucher ? round2((itemsTotal * voucher.pct) / 100) : 0;
    const grand = round2(itemsTotal + shippingCost - voucherValue);
    const shipTax = wholesale ? account!.taxPercent : c.tax;
    const taxIncluded = round2(lines.reduce((s, l) => s + (l.lineValue.value * l.taxPercent) / (100 + l.taxPercent), 0));

    const billing = wholesale ? account!.billingAddress : customer!.billingAddress;
    const shippingAddr = wholesale ? { ...account!.accountAddress, email: account!.shippingEmail } : rng.chance(0.85) ? billing : address(c, customer!.firstName, customer!.lastName, customer!.email);
    const method = wholesale ? { name: 'Invoice', plugin: 'invoice', uri: 'invoice' } : rng.pick(DTC_PAYMENT);

    // Fate.
    const r = rng.next();
    const fate = r < 0.08 ? 'cancelled' : r < 0.13 ? 'pending' : r < 0.25 ? 'confirmed' : r < 0.35 ? 'partial' : 'shipped';
    const statusHistory: Order['statusHistory'] = [{ status: 'PENDING', at: created }];
    const paymentHistory: PaymentEntry[] = [];
    if (!wholesale) paymentHistory.push(payment('AUTH', 'SUCCESS', grand, currency, created, method.plugin));
    const confirmedAt = created + rng.int(10, 240) * MIN;

    const attributes: Attribute[] = [];
    if (!wholesale && rng.chance(0.12)) attributes.push(stringAttribute('voyado_promotion_id', 'Voyado promotion', rng.uuid()));
    if (!wholesale && rng.chance(0.2)) attributes.push(stringAttribute('gift_message', 'Gift message', 'Happy birthday!'));

    const order: Order = {
      __typename: wholesale ? 'WholesaleOrder' : 'DirectToConsumerOrder',
      id: rng.hex(32),
      number,
      status: 'PENDING',
      statusHistory,
      createdAt: iso(created),
      updatedAt: iso(created),
      orderDate: iso(created),
      store,
      market: { id: m.id, name: m.name },
      pricelist: { id: pl.id, name: pl.name },
      country: { id: c.id, code: c.code, name: c.name },
      language,
      currencyBaseRate: currency.baseRate,
      grandTotal: money(grand, currency),
      totals: {
        quantity: lines.reduce((s, l) => s + l.quantity, 0),
        originalQuantity: lines.reduce((s, l) => s + l.quantity, 0),
        cancelledQuantity: 0,
        unexpeditedQuantity: 0,
        lineValues: money(itemsTotal, currency),
        shipping: money(shippingCost, currency),
        handling: money(0, currency),
        discounts: money(voucherValue, currency),
        taxAdded: money(0, currency),
        taxDeducted: money(0, currency),
        taxIncluded: money(taxIncluded + (shippingCost * shipTax) / (100 + shipTax), currency),
        shippingTaxAdded: money(0, currency),
        shippingTaxDeducted: money(0, currency),
        shippingTaxIncluded: money((shippingCost * shipTax) / (100 + shipTax), currency),
      },
      discountsApplied: voucher
        ? [{ __typename: 'AppliedVoucherDiscount', value: money(voucherValue, currency), date: iso(created), code: voucher.code, voucherName: `${voucher.code} (${voucher.pct}% off)`, voucherMethod: 'CODE' }]
        : [],
      paymentMethod: method,
      shippingPriceGroup: wholesale ? null : { shippingOption: rng.pick(SHIPPING_OPTIONS) },
      carrierInformation: wholesale ? account!.carrierInformation : null,
      shippingAddress: shippingAddr,
      billingAddress: billing,
      lines,
      paymentHistory,
      attributes,
      otherComment: '',
      isOnHold: false,
      userIP: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      visibleAt: created,
    };
    if (wholesale) {
      order.buyerId = buyer!.id;
      order.accountId = account!.id;
      order.purchaseOrderNumber = rng.chance(0.7) ? `PO-${rng.int(1000, 9999)}` : '';
      order.deliveryWindows = rng.chance(0.3)
        ? [{ __typename: 'PreorderDeliveryWindow', id: 1 + (n % 3), name: DELIVERY_WINDOWS[n % 3], deliveryStartDate: '2025-02-01', deliveryEndDate: '2025-03-15' }]
        : [];
    } else {
      order.customerId = customer!.id;
      order.subscriptionContracts = [];
    }
    orders.push(order);
    emit({ type: 'order', action: 'create', id: number, at: created });

    if (fate === 'pending') {
      if (!wholesale && rng.chance(0.3)) paymentHistory.push(payment('CAPTURE_FAILED', 'FAILED', grand, currency, created + 2 * MIN, method.plugin));
      continue;
    }
    if (fate === 'cancelled') {
      const at = created + rng.int(20, 600) * MIN;
      statusHistory.push({ status: 'CANCELLED', at });
      if (!wholesale) paymentHistory.push(payment('CANCEL', 'SUCCESS', grand, currency, at, method.plugin));
      // The cancel pop-up's "Send email to client" is not in the webhook: the direct-event API carries it.
      const send = rng.chance(0.7);
      emit({ type: 'order', action: 'update', id: number, at, channel: 'direct', context: send && rng.chance(0.5) ? { sendEmailToClient: true, additionalMessage: 'Sorry, an item in your order is out of stock.' } : { sendEmailToClient: send } });
      continue;
    }
    statusHistory.push({ status: 'CONFIRMED', at: confirmedAt });
    emit({ type: 'order', action: 'update', id: number, at: confirmedAt });

    // Wholesale invoice a day after confirmation, sent through the "Send e-mail invoice" modal.
    let invoice: Invoice | undefined;
    if (wholesale && rng.chance(0.6)) {
      const at = confirmedAt + rng.int(2, 30) * HOUR;
      invoice = {
        __typename: 'WholesaleInvoice',
        id: invoiceId++,
        type: 'invoice',
        createdAt: iso(at),
        currency: { id: currency.id, code: currency.code },
        orderNumber: number,
        address: { ...account!.billingAddress, firstName: buyer!.firstName, lastName: buyer!.lastName, email: account!.billingEmail },
        buyerId: buyer!.id,
        accountId: account!.id,
        store: WHOLESALE,
        lines: lines.map((l) => ({
          product: { id: l.product.id },
          productVariant: { id: l.productVariant.id, name: l.productVariant.name },
          productNumber: l.productNumber,
          productName: l.productName,
          brand: { name: l.brand.name },
          size: l.size,
          quantity: l.quantity,
          unitOriginalPrice: l.unitOriginalPrice,
          unitPrice: l.unitPrice,
          taxPercent: l.taxPercent,
        })),
        link: `${showroom}/invoice/${invoiceId - 1}/${rng.hex(16)}`,
        payLink: `${showroom}/pay/${invoiceId - 1}/${rng.hex(16)}`,
        visibleAt: at,
      };
      invoices.push(invoice);
      const send = rng.chance(0.85);
      emit({
        type: 'invoice',
        action: 'create',
        id: invoice.id,
        at,
        channel: 'direct',
        context: send ? { sendEmailInvoice: true, salesRepCopy: rng.chance(0.3), customMessage: 'Dear %name,\nHere is your invoice of %date.\n%link\n%paylink' } : { sendEmailInvoice: false },
      });
    }
    if (fate === 'confirmed') continue;

    // Shipments: one, or two for a partial delivery (the second only when the order ships fully).
    const totalQty = lines.reduce((s, l) => s + l.quantity, 0);
    const split = (fate === 'partial' || (wholesale && rng.chance(0.3))) && (lines.length > 1 || lines[0].quantity > 1);
    const firstLines = split
      ? lines.length > 1
        ? lines.slice(0, Math.ceil(lines.length / 2)).map((l) => ({ orderLine: { id: l.id }, quantity: l.quantity }))
        : [{ orderLine: { id: lines[0].id }, quantity: Math.floor(lines[0].quantity / 2) }]
      : lines.map((l) => ({ orderLine: { id: l.id }, quantity: l.quantity }));
    const firstQty = firstLines.reduce((s, l) => s + l.quantity, 0);
    const rest = lines
      .map((l) => ({ orderLine: { id: l.id }, quantity: l.quantity - (firstLines.find((f) => f.orderLine.id === l.id)?.quantity ?? 0) }))
      .filter((l) => l.quantity > 0);
    const parts = fate === 'partial' || !split ? [firstLines] : [firstLines, rest];
    let t = confirmedAt;
    let captureFailed = !wholesale && rng.chance(0.07);
    parts.forEach((partLines, idx) => {
      const createdAtMs = t + rng.int(4, 36) * HOUR;
      const goodToGo = createdAtMs + rng.int(1, 6) * HOUR;
      const shipped = goodToGo + rng.int(1, 20) * HOUR;
      t = shipped;
      const carrier = order.carrierInformation ?? rng.pick(CARRIERS);
      const partValue = round2(
        partLines.reduce((s, pl2) => s + lines.find((l) => l.id === pl2.orderLine.id)!.unitPrice.value * pl2.quantity, 0) + (idx === 0 ? shippingCost : 0) - (idx === 0 ? voucherValue : 0),
      );
      const shipment: Shipment = {
        __typename: wholesale ? 'WholesaleShipment' : 'DirectToConsumerShipment',
        id: shipmentId++,
        number: `${number}-${idx + 1}`,
        createdAt: iso(createdAtMs),
        updatedAt: iso(shipped),
        isGoodToGo: true,
        isPrinted: true,
        isOnHold: false,
        isPaid: true,
        isCaptured: true,
        trackingNumber: `${carrier.carrierName.slice(0, 3).toUpperCase().replace(/[^A-Z]/g, 'X')}${rng.int(100000000, 999999999)}`,
        returnTrackingNumber: '',
        numberOfPackages: Math.max(1, Math.ceil(partLines.reduce((s, l) => s + l.quantity, 0) / 10)),
        carrierInformation: carrier,
        additionalMessage: rng.chance(0.15) ? 'Thank you for shopping with us!' : '',
        shippingValue: money(idx === 0 ? shippingCost : 0, currency),
        grandTotal: money(partValue, currency),
        lines: partLines.map((l, j) => ({ id: j + 1, ...l })),
        orderNumber: number,
        visibleAt: createdAtMs,
        goodToGoAt: goodToGo,
        shippedAtMs: shipped,
        shippedAt: iso(shipped),
      };
      shipments.push(shipment);
      emit({ type: 'shipment', action: 'create', id: shipment.id, at: createdAtMs });
      emit({ type: 'shipment', action: 'good_to_go', id: shipment.id, at: goodToGo });
      if (!wholesale) {
        if (captureFailed) {
          paymentHistory.push(payment('CAPTURE_FAILED', 'FAILED', partValue, currency, shipped - 30 * MIN, method.plugin));
          captureFailed = false;
        }
        paymentHistory.push(payment('CAPTURE', 'SUCCESS', partValue, currency, shipped - 5 * MIN, method.plugin));
      }
      emit({ type: 'shipment', action: 'update', id: shipment.id, at: shipped });
    });
    const allShipped = parts.flat().reduce((s, l) => s + l.quantity, 0) === totalQty;
    if (allShipped) {
      statusHistory.push({ status: 'SHIPPED', at: t + 1000 });
      if (wholesale) paymentHistory.push(payment('MARKED_AS_PAID', 'SUCCESS', grand, currency, t + 20 * DAY, method.plugin));
      emit({ type: 'order', action: 'update', id: number, at: t + 1000 });
    } else {
      statusHistory.push({ status: 'PROCESSING', at: t - 1000 });
      emit({ type: 'order', action: 'update', id: number, at: t - 1000 });
    }
    void firstQty;

    // Returns with refunds on some shipped orders.
    if (allShipped && rng.chance(wholesale ? 0.08 : 0.15)) {
      const at = t + rng.int(3, 20) * DAY;
      const completed = at + rng.int(1, 4) * DAY;
      const retLines = lines.filter((_, i) => i === 0 || rng.chance(0.3)).map((l, j) => ({ id: j + 1, orderLine: { id: l.id }, quantity: Math.max(1, Math.floor(l.quantity / (wholesale ? 4 : 1))) }));
      const refundValue = round2(retLines.reduce((s, rl) => s + lines.find((l) => l.id === rl.orderLine.id)!.unitPrice.value * rl.quantity, 0));
      const refundShipping = !wholesale && rng.chance(0.2) ? shippingCost : 0;
      const refund = payment('REFUND', 'SUCCESS', refundValue + refundShipping, currency, completed, method.plugin);
      const ret: Return = {
        __typename: wholesale ? 'WholesaleReturn' : 'DirectToConsumerReturn',
        id: returnId++,
        createdAt: iso(at),
        returnStatus: 'COMPLETED',
        completedAt: completed,
        totalQuantity: retLines.reduce((s, l) => s + l.quantity, 0),
        returnedToStock: true,
        lines: retLines,
        shippingValue: refundShipping ? money(refundShipping, currency) : null,
        grandTotal: money(refundValue + refundShipping, currency),
        refundPaymentHistory: [refund],
        orderNumber: number,
        visibleAt: at,
      };
      for (const rl of retLines) lines.find((l) => l.id === rl.orderLine.id)!.returnedQuantity = rl.quantity;
      returns.push(ret);
      if (!wholesale) paymentHistory.push(refund);
      emit({ type: 'return', action: 'create', id: ret.id, at });
      emit({ type: 'return', action: 'update', id: ret.id, at: completed });
      if (wholesale && invoice) {
        const cn: Invoice = {
          ...invoice,
          id: invoiceId++,
          type: 'creditnote',
          createdAt: iso(completed + HOUR),
          lines: invoice.lines
            .filter((il) => retLines.some((rl) => lines.find((l) => l.id === rl.orderLine.id)!.product.id === il.product.id))
            .map((il) => ({ ...il, quantity: retLines.find((rl) => lines.find((l) => l.id === rl.orderLine.id)!.product.id === il.product.id)!.quantity })),
          link: `${showroom}/invoice/${invoiceId - 1}/${rng.hex(16)}`,
          payLink: `${showroom}/pay/${invoiceId - 1}/${rng.hex(16)}`,
          visibleAt: completed + HOUR,
        };
        invoices.push(cn);
        emit({ type: 'invoice', action: 'create', id: cn.id, at: completed + HOUR, channel: 'direct', context: { sendEmailInvoice: true } });
      }
    }
  }

  // Final statuses.
  for (const o of orders) o.status = o.statusHistory.reduce((a, b) => (b.at >= a.at ? b : a)).status;

  // Password resets (the direct-event API: Centra sends these emails itself, no webhook).
  const span = clock - Date.parse(opts.start ?? '2024-03-04T08:00:00Z');
  for (const b of buyers) {
    if (!rng.chance(0.2)) continue;
    emit({ type: 'buyer', action: 'password_reset', id: b.id, at: b.visibleAt + 31 * DAY + rng.int(0, Math.max(1, span)), channel: 'direct', context: { link: `${showroom}/password/change/?id=${b.id}&i=${rng.hex(32)}` } });
  }
  for (const c of customers) {
    if (!c.isRegistered || !rng.chance(0.1)) continue;
    emit({ type: 'customer', action: 'password_reset', id: c.id, at: c.visibleAt + rng.int(1, 20) * DAY, channel: 'direct', context: { link: `https://www.brand.example/account/reset?id=${c.id}&i=${rng.hex(32)}` } });
  }
  // A few account updates (no email; the bridge acknowledges them).
  for (const a of accounts.slice(0, 3)) emit({ type: 'account', action: 'update', id: a.id, at: Date.parse(a.createdAt) + 40 * DAY });

  timeline.sort((a, b) => a.at - b.at || 0);
  void accountById;
  return {
    seed,
    stores: { wholesale: WHOLESALE, dtc: DTC },
    currencies: CURRENCIES,
    markets: MARKETS,
    pricelists: PRICELISTS,
    languages: LANGUAGES,
    accounts,
    buyers,
    customers,
    orders,
    shipments,
    returns,
    invoices,
    timeline,
  };
}

/** The dataset's events in time order: webhook events `{type, action, id, date}` plus, for the direct channel, `context`. */
export function datasetEvents(dataset: Dataset): TimelineEvent[] {
  return dataset.timeline.map((e) => ({ ...e }));
}

/** Counts per type/action/channel, for summaries. */
export function timelineMix(events: readonly TimelineEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) {
    const k = `${e.type}.${e.action}${e.channel === 'direct' ? ' (direct)' : ''}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
