// GraphQL documents for Centra's Integration API. Field names are Centra's; fields the
// snapshot marks "assumed" are asked for under the snapshot's name (docs/centra.md lists them).

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
  market { id name }
  pricelist { id name }
}`;

const BUYER = `fragment BuyerFields on Buyer {
  id email firstName lastName phoneNumber
  billingAddress { ...Addr }
  receiveAutoEmails
  sendOrderReceipt
}`;

const CUSTOMER = `fragment CustomerFields on Customer {
  id email firstName lastName
  isRegistered
  language { code }
  billingAddress { ...Addr }
  newsletter
  engageContactId
}`;

const ORDER_LINE = `fragment OrderLineFields on OrderLine {
  __typename id productName productVariantName folderName size productNumber quantity taxPercent
  unitPrice { ...Money } unitOriginalPrice { ...Money }
  hasAnyDiscount comment productExternalUrl
  display { id uri }
  product {
    id uri countryOfOrigin { code } excerpt stockUnit createdAt updatedAt
    attributes { ...Attrs }
  }
  productVariant { id name variantNumber }
  productSize { SKU GTIN EAN UPC sizeNumber description }
  brand { id name uri }
  category { id name uri }
  collection { id name uri }
  media { sources { sizeName url } }
  recommendedRetailPrice { ...Money }
}`;

const ORDER = `fragment OrderFields on Order {
  __typename id number status createdAt
  store { id name type }
  market { id name }
  pricelist { id name }
  country { code }
  language { code }
  currencyBaseRate
  grandTotal { ...Money }
  totals { shipping { ...Money } handling { ...Money } shippingTaxIncluded { ...Money } taxDeducted { ...Money } }
  discountsApplied { value { ...Money } ... on AppliedVoucher { code voucherName } }
  paymentMethod { name plugin }
  shippingPriceGroup { shippingOption { name } }
  carrierInformation { carrierName serviceName }
  shippingAddress { ...Addr }
  billingAddress { ...Addr }
  lines { ...OrderLineFields }
  paymentHistory { entryType status value { ...Money } }
  attributes { ...Attrs }
  ... on DirectToConsumerOrder { customer { ...CustomerFields } subscriptionContracts { id } }
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
    shippingValue { ...Money }
    lines { orderLine { id } quantity }
    order { ...OrderFields }
  }
}
${ORDER_FRAGMENTS}`;

export const RETURN_QUERY = `query ReturnSnapshot($id: Int!) {
  returns(where: { id: [$id] }, limit: 1) {
    id createdAt returnStatus
    lines { orderLine { id } quantity }
    shippingValue { ...Money }
    refundPaymentHistory { entryType status value { ...Money } }
    order { ...OrderFields }
  }
}
${ORDER_FRAGMENTS}`;

export const CUSTOMER_QUERY = `query CustomerSnapshot($id: Int!) {
  customers(where: { id: [$id] }, limit: 1) {
    ...CustomerFields
    store { id name type }
    market { id name }
    pricelist { id name }
  }
}
${[ADDRESS, CUSTOMER].join('\n')}`;

export const BUYER_QUERY = `query BuyerSnapshot($id: Int!) {
  buyers(where: { id: [$id] }, limit: 1) {
    ...BuyerFields
    companyName
    account { ...AccountFields }
    store { id name type }
  }
}
${[ADDRESS, ACCOUNT, BUYER].join('\n')}`;

export const ACCOUNT_QUERY = `query AccountSnapshot($id: Int64!) {
  accounts(where: { id: [$id] }, limit: 1) {
    ...AccountFields
    store { id name type }
    buyers { id }
  }
}
${ACCOUNT}`;

export const INVOICE_QUERY = `query InvoiceSnapshot($id: Int!) {
  invoices(where: { id: [$id] }, limit: 1) {
    id type createdAt
    currency { code }
    order { number ... on WholesaleOrder { purchaseOrderNumber } }
    address { ...Addr }
    buyer { id email firstName lastName companyName }
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
    link payLink
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
