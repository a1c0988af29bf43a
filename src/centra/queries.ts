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
  product { id name attributes { ...Attrs } }
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

const ORDER_FRAGMENTS = [MONEY, ADDRESS, ATTRIBUTES, ACCOUNT, BUYER, CUSTOMER, ORDER_LINE, ORDER].join('\n');

export const ORDER_QUERY = `query OrderSnapshot($number: [Int!]) {
  orders(where: { number: $number }, limit: 1) { ...OrderFields }
}
${ORDER_FRAGMENTS}`;

export const SHIPMENT_QUERY = `query ShipmentSnapshot($id: Int!) {
  shipments(where: { id: [$id] }, limit: 1) {
    id number createdAt isGoodToGo isShipped shippedAt trackingNumber numberOfPackages
    carrierInformation { carrierName serviceName }
    additionalMessage
    lines { orderLine { id } quantity }
    order { ...OrderFields }
  }
}
${ORDER_FRAGMENTS}`;

export const RETURN_QUERY = `query ReturnSnapshot($id: Int!) {
  returns(where: { id: [$id] }, limit: 1) {
    id createdAt returnStatus
    lines { orderLine { id } quantity }
    refundPaymentHistory { entryType status value { ...Money } }
    order { ...OrderFields }
  }
}
${ORDER_FRAGMENTS}`;

export const CUSTOMER_QUERY = `query CustomerSnapshot($id: Int!) {
  customers(where: { id: [$id] }, limit: 1) {
    ...CustomerFields
    store { id name type }
  }
}
${[ADDRESS, CUSTOMER].join('\n')}`;

export const BUYER_QUERY = `query BuyerSnapshot($id: Int!) {
  buyers(where: { id: [$id] }, limit: 1) {
    ...BuyerFields
    account { ...AccountFields }
    store { id name type }
  }
}
${[ADDRESS, ACCOUNT, BUYER].join('\n')}`;

export const ACCOUNT_QUERY = `query AccountSnapshot($id: Int64!) {
  accounts(where: { id: [$id] }, limit: 1) {
    ...AccountFields
    buyers { id store { id name type } }
  }
}
${ACCOUNT}`;

export const INVOICE_QUERY = `query InvoiceSnapshot($id: Int!) {
  invoices(where: { id: [$id] }, limit: 1) {
    id type createdAt
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
      brand { name }
      size quantity
      unitOriginalPrice { ...Money }
      unitPrice { ...Money }
      taxPercent
    }
  }
}
${[MONEY, ADDRESS, ACCOUNT].join('\n')}`;

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
