// GraphQL documents for Centra's Integration API. Every field and argument is one Centra publishes
// (schema pages or its example queries); docs/centra.md §2 cites the source of each. A snapshot field
// with no published counterpart is not asked for (the mapper leaves it null / takes it from config).

const MONEY = `fragment Money on MonetaryValue { value currency { code } }`;

const ADDRESS = `fragment Addr on Address {
  firstName lastName companyName address1 address2 city zipCode stateOrProvince
  state { code name } country { code name } email phoneNumber cellPhoneNumber
}`;

const ATTRIBUTES = `fragment Attrs on Attribute {
  type { name }
  elements {
    key
    ... on AttributeStringElement { value }
    ... on AttributeChoiceElement { selectedValue selectedValueName }
    ... on AttributeImageElement { url width height mimeType }
  }
}`;

const ACCOUNT = `fragment AccountFields on Account {
  id name
  salesRepresentative { id name email }
  paymentTerms { description }
  shippingTerms { description }
  shippingEmail
  carrierInformation { carrierName serviceName }
}`;

const BUYER = `fragment BuyerFields on Buyer {
  id email firstName lastName phoneNumber
  billingAddress { ...Addr }
  receiveAutoEmails
}`;

const CUSTOMER = `fragment CustomerFields on Customer {
  id email firstName lastName
  billingAddress { ...Addr }
}`;

const ORDER_LINE = `fragment OrderLineFields on OrderLine {
  __typename id productName productVariantName folderName size productNumber quantity taxPercent
  unitPrice { ...Money } unitOriginalPrice { ...Money }
  hasAnyDiscount comment productExternalUrl
  product { id name attributes { ...Attrs } media(limit: 1) { ...LineImages } }
  productVariant { id name }
  productSize { SKU GTIN description }
  brand { id name }
}`;

const ORDER = `fragment OrderFields on Order {
  __typename id number status createdAt
  store { id name type }
  market { id name }
  pricelist { id name }
  country { code }
  currencyBaseRate
  grandTotal { ...Money }
  totals { shipping { ...Money } handling { ...Money } shippingTaxIncluded { ...Money } taxDeducted { ...Money } }
  discountsApplied { value { ...Money } ... on AppliedVoucher { code voucherName } }
  paymentMethod { uri plugin }
  shippingPriceGroup { shippingOption { name } }
  shippingAddress { ...Addr }
  billingAddress { ...Addr }
  lines { ...OrderLineFields }
  paymentHistory { entryType status value { ...Money } }
  attributes { ...Attrs }
  ... on DirectToConsumerOrder { customer { ...CustomerFields } }
  ... on WholesaleOrder {
    buyer { ...BuyerFields }
    account { ...AccountFields }
    purchaseOrderNumber
    deliveryWindows { name }
  }
}`;

/**
 * The line's product image, once per size the plugins ask for (`imageSize`): the first size as
 * `source`, the others under the aliases `source_1`, `source_2`, … each with its own variable.
 * Written into the document by snapshotsQuery, which knows how many sizes there are.
 */
const LINE_IMAGES = 'LineImages';
export const imageAlias = (i: number): string => (i === 0 ? 'source' : `source_${i}`);
const imageVariable = (i: number): string => (i === 0 ? 'mediaSize' : `mediaSize_${i}`);
function lineImagesFragment(sizes: number): string {
  const sources = Array.from({ length: sizes }, (_, i) => `${i ? `${imageAlias(i)}: ` : ''}source(sizeName: $${imageVariable(i)}) { url }`);
  return `fragment ${LINE_IMAGES} on ProductMedia { ${sources.join(' ')} }`;
}

// Every fragment, in the order they are written into a document; an order snapshot needs them all.
const FRAGMENT_ORDER = [MONEY, ADDRESS, ATTRIBUTES, ACCOUNT, BUYER, CUSTOMER, LINE_IMAGES, ORDER_LINE, ORDER];

/** The snapshot types the bridge fetches, and how each is filtered and keyed. */
export type SnapshotKind = 'order' | 'shipment' | 'return' | 'customer' | 'buyer' | 'invoice' | 'account';

interface SnapshotSelection {
  /** The root list field (Centra's entry point) and the field of its filter that takes the list of keys. */
  root: string;
  filter: 'number' | 'id' | 'buyerId';
  /** The GraphQL type of that filter field: `[Int!]`, or `[Int64!]` for AccountFilter.id. */
  keyType: '[Int!]' | '[Int64!]';
  /**
   * Where the kind's objects are when they are not the root list's elements: the response key the root
   * field is aliased to (two kinds may share one root field) and the list field of each element that
   * holds them. Centra has no buyers query: buyers come from `accounts(where: {buyerId})` → `buyers`.
   */
  alias?: string;
  nested?: string;
  fields: string;
  fragments: string[];
}

const SNAPSHOT_SELECTIONS: Record<SnapshotKind, SnapshotSelection> = {
  order: { root: 'orders', filter: 'number', keyType: '[Int!]', fields: '...OrderFields', fragments: FRAGMENT_ORDER },
  shipment: {
    root: 'shipments',
    filter: 'id',
    keyType: '[Int!]',
    fields: `id number createdAt isGoodToGo isShipped shippedAt trackingNumber numberOfPackages
    carrierInformation { carrierName serviceName }
    additionalMessage
    lines { orderLine { id } quantity }
    order { ...OrderFields }`,
    fragments: FRAGMENT_ORDER,
  },
  return: {
    root: 'returns',
    filter: 'id',
    keyType: '[Int!]',
    fields: `id createdAt returnStatus
    lines { orderLine { id } quantity }
    refundPaymentHistory { entryType status value { ...Money } }
    order { ...OrderFields }`,
    fragments: FRAGMENT_ORDER,
  },
  customer: { root: 'customers', filter: 'id', keyType: '[Int!]', fields: '...CustomerFields\n    store { id name type }', fragments: [ADDRESS, CUSTOMER] },
  // Centra publishes no buyers query (docs/centra.md §2): the accounts that have these buyers, and
  // their buyers (an account's other buyers come too; the client keeps the ones asked for).
  buyer: {
    root: 'accounts',
    alias: 'buyerAccounts',
    nested: 'buyers',
    filter: 'buyerId',
    keyType: '[Int!]',
    fields: 'buyers {\n      ...BuyerFields\n      account { ...AccountFields }\n      store { id name type }\n    }',
    fragments: [ADDRESS, ACCOUNT, BUYER],
  },
  invoice: {
    root: 'invoices',
    filter: 'id',
    keyType: '[Int!]',
    fields: `id type createdAt
    currency { code }
    order { number ... on WholesaleOrder { purchaseOrderNumber } }
    billingAddress { ...Addr }
    buyer { id email firstName lastName }
    account { ...AccountFields }
    store { id name type }
    lines {
      product { id }
      productVariant { id name }
      productNumber productName
      brandName
      size quantity
      unitOriginalPrice(includingTax: true) { ...Money }
      unitPrice(includingTax: true) { ...Money }
      taxPercent
    }`,
    fragments: [MONEY, ADDRESS, ACCOUNT],
  },
  account: { root: 'accounts', filter: 'id', keyType: '[Int64!]', fields: '...AccountFields\n    buyers { id store { id name type } }', fragments: [ACCOUNT] },
};

export const SNAPSHOT_KINDS = Object.keys(SNAPSHOT_SELECTIONS) as SnapshotKind[];

/** The key of a kind's root list in the answer's `data`: its root field, or the alias it is asked under. */
export const snapshotRoot = (kind: SnapshotKind): string => SNAPSHOT_SELECTIONS[kind].alias ?? SNAPSHOT_SELECTIONS[kind].root;

/** The list field of each root element that holds the kind's objects (`buyers` of an account), if not the elements themselves. */
export const snapshotNested = (kind: SnapshotKind): string | undefined => SNAPSHOT_SELECTIONS[kind].nested;

/** The variables of a batched document besides the kinds' keys: the sizes of the line images, in the order asked. */
export const mediaSizeVariables = (sizes: readonly string[]): Record<string, string> => Object.fromEntries(sizes.map((size, i) => [imageVariable(i), size]));

/** Variable names of a kind in the batched document: its keys and its page size. */
export const snapshotVariables = (kind: SnapshotKind) => ({ keys: `${kind}Keys`, limit: `${kind}Limit` });

/**
 * One document that fetches several snapshot kinds at once: a root list field per kind, each
 * filtered by a list of keys (`orders(where:{number:$orderKeys}, limit:$orderLimit)`, `id` for the
 * others) — one request whatever the number of objects and kinds. The variables are
 * `<kind>Keys` (the numbers or ids) and `<kind>Limit` (as many as asked: Centra's default page is 20).
 */
export function snapshotsQuery(kinds: readonly SnapshotKind[], imageSizes = 1): string {
  const wanted = SNAPSHOT_KINDS.filter((k) => kinds.includes(k));
  if (!wanted.length) throw new Error('snapshotsQuery needs at least one kind');
  if (!Number.isInteger(imageSizes) || imageSizes < 1) throw new Error('snapshotsQuery needs at least one image size');
  // The order fragments ask for each line's product image in every size: `$mediaSize`, `$mediaSize_1`, …
  const withLines = wanted.some((k) => SNAPSHOT_SELECTIONS[k].fragments.includes(ORDER_LINE));
  const media = withLines ? Array.from({ length: imageSizes }, (_, i) => `, $${imageVariable(i)}: String!`).join('') : '';
  const vars = wanted.map((k) => `$${snapshotVariables(k).keys}: ${SNAPSHOT_SELECTIONS[k].keyType}, $${snapshotVariables(k).limit}: Int`).join(', ') + media;
  const roots = wanted.map((k) => {
    const s = SNAPSHOT_SELECTIONS[k];
    const v = snapshotVariables(k);
    return `  ${s.alias ? `${s.alias}: ` : ''}${s.root}(where: { ${s.filter}: $${v.keys} }, limit: $${v.limit}) {\n    ${s.fields}\n  }`;
  });
  // Each fragment once, in a fixed order: GraphQL rejects a document with a fragment it does not use.
  const fragments = [...new Set(wanted.flatMap((k) => SNAPSHOT_SELECTIONS[k].fragments))]
    .sort((a, b) => FRAGMENT_ORDER.indexOf(a) - FRAGMENT_ORDER.indexOf(b))
    .map((f) => (f === LINE_IMAGES ? lineImagesFragment(imageSizes) : f));
  const name = wanted.map((k) => k[0].toUpperCase() + k.slice(1)).join('') + (wanted.length > 1 ? 'Snapshots' : 'Snapshot');
  return `query ${name}(${vars}) {\n${roots.join('\n')}\n}\n${fragments.join('\n')}`;
}

// One document per kind (each validated against the schema in the tests, like every combination).
export const ORDER_QUERY = snapshotsQuery(['order']);
export const SHIPMENT_QUERY = snapshotsQuery(['shipment']);
export const RETURN_QUERY = snapshotsQuery(['return']);
export const CUSTOMER_QUERY = snapshotsQuery(['customer']);
export const BUYER_QUERY = snapshotsQuery(['buyer']);
export const ACCOUNT_QUERY = snapshotsQuery(['account']);
export const INVOICE_QUERY = snapshotsQuery(['invoice']);

// Events queue (Integration API events system).
export const SET_EVENT_LISTENERS = `mutation SetEventListeners($input: [EventListenerSetInput!]!) {
  setEventListeners(input: $input) {
    eventListeners { objectType changeTypes }
    userErrors { message path }
  }
}`;

export const EVENTS_QUERY = `query Events($limit: Int!, $where: EventFilter) {
  events(where: $where, limit: $limit) { id objectType changeType objectReference createdAt store { id } }
}`;

export const CONFIRM_EVENTS = `mutation ConfirmEvents($ids: [Int!]!) {
  confirmEvents(input: { eventsIds: $ids }) { userErrors { message path } }
}`;

// Centra's own view of the token's quota (rate-limit page: "no permission needed", itself rate
// limited): asked once at start-up, as the probe, to compare with the buckets the client holds.
export const RATE_LIMITS_QUERY = `query RateLimits {
  rateLimits { type intervalSeconds quota usedQuota remainingQuota }
}`;
