// The subset of Centra's Integration API schema the emulator serves, written from Centra's
// published material. Each type carries a source note:
//   [S:x]   https://centra.dev/graphql/x.html (schema page; via ../shared/reference/centra-integration-api.md)
//   [DOC:x] repo centrahq/api-documentation, pages/05.api-references/02.graphql-integration-api/
//           05.examples/01.dtc (dtc) · 05.examples/02.b2b (b2b) · 01.authorization (auth) ·
//           08.events-system (events) · pages/04.guides/02.erp-gql-integration (erp) ·
//           pages/05.api-references/05.graphql-integration-api/03.api-rate-limits (rate, at 0bff0e73) ·
//           pages/05.api-references/02.graphql-integration-api/06.media-upload at 7737611b (media)
//   [ISSUE] the filter types quoted in issue 11 from centra.dev/graphql (OrderFilter, AccountFilter)
//   [S:x] marked "2026-12-04" = read on centra.dev/graphql/x.html that day (docs/centra.md §2, "Checked against centra.dev")
//   [Q]     https://centra.dev/integration-api/api-reference (its list of Query fields, read 2026-12-04)
//   "assumed" = an entry point or type Centra's pages show but whose fields/arguments we could not read.
// Nothing here is a field Centra does not publish; test/centra/queries-schema.test.ts checks the
// bridge's queries and Centra's own example queries (test/fixtures/centra-examples/) against it.
export const CENTRA_SDL = /* GraphQL */ `
"[S:datetimetz] default output Y-m-d\\\\TH:i:sP"
scalar DateTimeTz
"[S:date]"
scalar Date
"[S:account] (Account.id: Int64!)"
scalar Int64

"[DOC:auth] [DOC:dtc] storeType filter values"
enum StoreType { DIRECT_TO_CONSUMER WHOLESALE }
"[S:account] [S:buyer] status"
enum Status { ACTIVE INACTIVE }
"[DOC:erp] values seen (the enum page was not readable)"
enum OrderStatus { PENDING CONFIRMED PROCESSING SHIPPED CANCELLED ARCHIVED }
"[S:invoicefilter] [S:wholesaleinvoice] InvoiceType is an enum (2026-12-04); its values: not found on centra.dev (searched invoicetype), assumed INVOICE / CREDIT_NOTE"
enum InvoiceType { INVOICE CREDIT_NOTE }

"[S:monetaryvalue] [DOC:dtc] currency { id code }"
type Currency { id: Int! code: String! }
"[S:monetaryvalue]"
type MonetaryValue { value: Float! currency: Currency! formattedValue: String! conversionRate: Float! }
"[DOC:dtc] store { id type }, [DOC:b2b] stores { id name }"
type Store { id: Int! name: String! type: StoreType! }
"[DOC:dtc] market { id name }"
type Market { id: Int! name: String! }
"[DOC:dtc] pricelist { id name }"
type Pricelist { id: Int! name: String! }
"[DOC:dtc] country { id name code }"
type Country { id: Int code: String! name: String! }
"[DOC:dtc] state { id name code }"
type CountryState { id: Int code: String name: String }
"[S:shipment] [DOC:dtc] carrierInformation { carrierName serviceName accountIdentifier taxId }"
type CarrierInformation { carrierName: String serviceName: String accountIdentifier: String taxId: String }

"[DOC:dtc] fragment address / fullAddress"
type Address {
  firstName: String lastName: String companyName: String attention: String address1: String address2: String
  city: String zipCode: String stateOrProvince: String state: CountryState country: Country
  email: String phoneNumber: String cellPhoneNumber: String faxNumber: String vatNumber: String
}

"[S:attributetype]"
type AttributeType { name: String! description: String isMapped: Boolean! isMulti: Boolean! }
"[S:attributeelement]"
interface AttributeElement { key: String! description: String kind: String! }
"[S:attributestringelement]"
type AttributeStringElement implements AttributeElement { key: String! description: String kind: String! value: String }
"[S:attributechoiceelement]"
type AttributeChoiceElement implements AttributeElement { key: String! description: String kind: String! isMulti: Boolean! selectedValue: String selectedValueName: String }
"[S:attributeimageelement]"
type AttributeImageElement implements AttributeElement { key: String! description: String kind: String! url: String width: Int height: Int mimeType: String }
"[S:attributefileelement]"
type AttributeFileElement implements AttributeElement { key: String! description: String kind: String! url: String }
"[DOC:attr] AttributeObjectType"
enum AttributeObjectType { Account Category Customer DeliveryGroup Display Order Product SizeChart StoreItem ProductVariant ProductMedia Voucher Campaign }
"[S:attribute]"
interface Attribute { description: String objectType: AttributeObjectType! type: AttributeType! elements: [AttributeElement!]! }
"[S:dynamicattribute]"
type DynamicAttribute implements Attribute { description: String objectType: AttributeObjectType! type: AttributeType! elements: [AttributeElement!]! }
"[S:mappedattribute]"
type MappedAttribute implements Attribute { description: String objectType: AttributeObjectType! type: AttributeType! elements: [AttributeElement!]! }
"[S:order] (Order implements ObjectWithAttributes) [DOC:erp] fragment attributes on ObjectWithAttributes"
interface ObjectWithAttributes { attributes: [Attribute!]! }

"[S:salesrepresentative]"
type SalesRepresentative { id: Int! name: String! status: Status! email: String commissionPercent: Float! }
"[DOC:dtc] paymentTerms { id description }"
type PaymentTerms { id: Int! description: String }
"[DOC:dtc] shippingTerms { id description }"
type ShippingTerms { id: Int! description: String }

"[S:account] [DOC:dtc] fragment accountData"
type Account implements ObjectWithAttributes {
  id: Int64! name: String! status: Status! createdAt: DateTimeTz discountPercent: Float!
  salesRepresentative: SalesRepresentative paymentTerms: PaymentTerms shippingTerms: ShippingTerms
  accountEmail: String billingEmail: String shippingEmail: String vatNumber: String websiteUrl: String
  carrierInformation: CarrierInformation billingAddress: Address accountAddress: Address buyers: [Buyer!]!
  attributes: [Attribute!]!
}

"[S:buyer] (2026-12-04: fields, types and nullability as the page)"
type Buyer {
  id: Int! status: Status! email: String! firstName: String lastName: String phoneNumber: String cellPhoneNumber: String
  websiteUrl: String createdAt: DateTimeTz! totalOrders: Int! billingAddress: Address store: Store! receiveAutoEmails: Boolean!
  account: Account!
}

"[S:customer] (types in order; names from CustomerFilter and [DOC:dtc]) — no language, newsletter, registered or ESP fields are published"
type Customer implements ObjectWithAttributes {
  id: Int! status: Status! email: String! firstName: String lastName: String phoneNumber: String cellPhoneNumber: String
  createdAt: DateTimeTz totalOrders: Int! billingAddress: Address store: Store! attributes: [Attribute!]!
}

"[DOC:dtc] PaymentHistoryEntryType (description of the type)"
enum PaymentHistoryEntryType {
  AUTH CAPTURE CAPTURE_PENDING CAPTURE_FAILED CAPTURE_REQUEST REFUND REFUND_REQUEST REFUND_FAILED CANCEL CANCEL_REQUEST
  MARKED_AS_PAID MARKED_AS_UNPAID PREPAID AUTH_PENDING ADDITIONAL_ORDER_PAYMENT INVOICE OTHER AUTH_GIFT_CARD
  CAPTURE_GIFT_CARD CANCEL_GIFT_CARD REFUND_GIFT_CARD
}
"[DOC:dtc] values seen"
enum PaymentHistoryEntryStatus { SUCCESS PENDING FAILED }
"[S:paymenthistoryentry]"
type PaymentHistoryEntry {
  id: Int! createdAt: DateTimeTz status: PaymentHistoryEntryStatus! entryType: PaymentHistoryEntryType! externalReference: String
  value: MonetaryValue! paymentMethod: String
}
"[DOC:dtc] paymentHistory(where: {entryType: [...]})"
input PaymentHistoryFilter { entryType: [PaymentHistoryEntryType!] }

"[DOC:dtc] product { id name }; Product is an attribute object type [DOC:attr]"
type Product implements ObjectWithAttributes { id: Int! name: String attributes: [Attribute!]! media(limit: Int = 20, page: Int = 1): [ProductMedia!]! }
"[DOC:media] product { media(sort: id_DESC, limit: 1) { id source(sizeName: 'standard') { mediaSize { name quality maxWidth maxHeight } url mimeType } metaDataJSON } }; [DOC:dtc] displays { media { source(sizeName: 'standard') { type url } } }; the sort argument's enum and sizeName's nullability are not readable (String! assumed: a literal fits either)"
type ProductMedia { id: Int! source(sizeName: String!): ProductMediaSource metaDataJSON: String }
"[DOC:media]"
type ProductMediaSource { url: String! mimeType: String mediaSize: MediaSize }
"[DOC:media]"
type MediaSize { name: String! quality: Int maxWidth: Int maxHeight: Int }
"[DOC:dtc] productVariant { id name }"
type ProductVariant { id: Int! name: String }
"[DOC:dtc] productSize { id SKU GTIN description preorder }"
type ProductSize { id: Int SKU: String GTIN: String description: String preorder: Boolean }
"[DOC:dtc] brand { id name }"
type Brand { id: Int name: String! }

"[S:productorderline] (line fields) [DOC:dtc] fragment orderLine"
interface OrderLine {
  id: Int! productName: String productVariantName: String folderName: String size: String! productNumber: String!
  quantity: Int! cancelledQuantity: Int! returnedQuantity: Int! taxPercent: Float! discountPercent: Float!
  unitPrice(includingTax: Boolean! = true): MonetaryValue! unitOriginalPrice(includingTax: Boolean! = true): MonetaryValue!
  lineValue(includingTax: Boolean! = true): MonetaryValue! hasAnyDiscount: Boolean! comment: String productExternalUrl: String
  product: Product productVariant: ProductVariant productSize: ProductSize brand: Brand
}
"[S:productorderline]"
type ProductOrderLine implements OrderLine {
  id: Int! productName: String productVariantName: String folderName: String size: String! productNumber: String!
  quantity: Int! cancelledQuantity: Int! returnedQuantity: Int! taxPercent: Float! discountPercent: Float!
  unitPrice(includingTax: Boolean! = true): MonetaryValue! unitOriginalPrice(includingTax: Boolean! = true): MonetaryValue!
  lineValue(includingTax: Boolean! = true): MonetaryValue! hasAnyDiscount: Boolean! comment: String productExternalUrl: String
  product: Product productVariant: ProductVariant productSize: ProductSize brand: Brand
}

"[S:ordertotals]"
type OrderTotals {
  quantity: Int! originalQuantity: Int! cancelledQuantity: Int! unexpeditedQuantity: Int!
  lineValues: MonetaryValue! shipping: MonetaryValue! handling: MonetaryValue! discounts: MonetaryValue!
  taxAdded: MonetaryValue! taxDeducted: MonetaryValue! taxIncluded: MonetaryValue!
  shippingTaxAdded: MonetaryValue shippingTaxDeducted: MonetaryValue shippingTaxIncluded: MonetaryValue
}

"[S:orderdiscount]"
interface OrderDiscount { value: MonetaryValue! date(format: String): DateTimeTz! }
"[S:appliedvoucher]"
interface AppliedVoucher { value: MonetaryValue! date(format: String): DateTimeTz! voucherName: String code: String url: String }
"[S:appliedvoucher] implementations"
type AppliedVoucherDiscount implements OrderDiscount & AppliedVoucher {
  value: MonetaryValue! date(format: String): DateTimeTz! voucherName: String code: String url: String shippingValue: MonetaryValue
}

"[DOC:dtc] paymentMethod { uri plugin }"
type PaymentMethod { uri: String plugin: String }
"[DOC:dtc] shippingOption { name uri id }"
type ShippingOption { id: Int! name: String uri: String }
"[DOC:dtc] shippingPriceGroup { shippingOption }"
type ShippingPriceGroup { shippingOption: ShippingOption }
"[DOC:dtc] deliveryWindows { id name __typename ... on PreorderDeliveryWindow }"
interface DeliveryWindow { id: Int! name: String }
"[DOC:dtc] [DOC:b2b]"
type PreorderDeliveryWindow implements DeliveryWindow { id: Int! name: String deliveryStartDate: Date deliveryEndDate: Date }
"[DOC:b2b] atOnce delivery windows"
type AtOnceDeliveryWindow implements DeliveryWindow { id: Int! name: String }

"[S:order] [DOC:dtc] — no language, carrierInformation, subscription fields are published"
interface Order implements ObjectWithAttributes {
  id: String! number: Int! status: OrderStatus! createdAt(format: String): DateTimeTz! updatedAt(format: String): DateTimeTz! orderDate(format: String): DateTimeTz!
  store: Store! market: Market pricelist: Pricelist country: Country currencyBaseRate: Float!
  grandTotal(includingTax: Boolean! = true): MonetaryValue! totals: OrderTotals discountsApplied: [OrderDiscount!]!
  paymentMethod: PaymentMethod shippingPriceGroup: ShippingPriceGroup
  shippingAddress: Address billingAddress: Address lines(includeFullyCancelled: Boolean): [OrderLine!]!
  paymentHistory(where: PaymentHistoryFilter): [PaymentHistoryEntry!]! attributes: [Attribute!]! otherComment: String! internalComment: String
  isOnHold: Boolean! userIP: String
}
"[S:directtoconsumerorder]"
type DirectToConsumerOrder implements Order & ObjectWithAttributes {
  id: String! number: Int! status: OrderStatus! createdAt(format: String): DateTimeTz! updatedAt(format: String): DateTimeTz! orderDate(format: String): DateTimeTz!
  store: Store! market: Market pricelist: Pricelist country: Country currencyBaseRate: Float!
  grandTotal(includingTax: Boolean! = true): MonetaryValue! totals: OrderTotals discountsApplied: [OrderDiscount!]!
  paymentMethod: PaymentMethod shippingPriceGroup: ShippingPriceGroup
  shippingAddress: Address billingAddress: Address lines(includeFullyCancelled: Boolean): [OrderLine!]!
  paymentHistory(where: PaymentHistoryFilter): [PaymentHistoryEntry!]! attributes: [Attribute!]! otherComment: String! internalComment: String
  isOnHold: Boolean! userIP: String
  customer: Customer
}
"[S:wholesaleorder]"
type WholesaleOrder implements Order & ObjectWithAttributes {
  id: String! number: Int! status: OrderStatus! createdAt(format: String): DateTimeTz! updatedAt(format: String): DateTimeTz! orderDate(format: String): DateTimeTz!
  store: Store! market: Market pricelist: Pricelist country: Country currencyBaseRate: Float!
  grandTotal(includingTax: Boolean! = true): MonetaryValue! totals: OrderTotals discountsApplied: [OrderDiscount!]!
  paymentMethod: PaymentMethod shippingPriceGroup: ShippingPriceGroup
  shippingAddress: Address billingAddress: Address lines(includeFullyCancelled: Boolean): [OrderLine!]!
  paymentHistory(where: PaymentHistoryFilter): [PaymentHistoryEntry!]! attributes: [Attribute!]! otherComment: String! internalComment: String
  isOnHold: Boolean! userIP: String
  buyer: Buyer account: Account purchaseOrderNumber: String deliveryWindows: [DeliveryWindow!]
}

"[S:shipmentline] (2026-12-04) id quantity lineValue orderLine: OrderLine!; [DOC:b2b] createShipment lines: [{ orderLine: { id }, quantity }]"
type ShipmentLine { id: Int! orderLine: OrderLine! quantity: Int! lineValue(includingTax: Boolean! = true): MonetaryValue! }
"[S:directtoconsumershipment] (Shipment interface; 2026-12-04: every field below as the DTC page, lines and order past the part of the page read: [S:directtoconsumershipment] via the reference)"
interface Shipment {
  id: Int! number: String! createdAt: DateTimeTz! updatedAt: DateTimeTz! isGoodToGo: Boolean! isPrinted: Boolean! isShipped: Boolean!
  isOnHold: Boolean! isPaid: Boolean! isCaptured: Boolean! trackingNumber: String returnTrackingNumber: String numberOfPackages: Int!
  carrierInformation: CarrierInformation additionalMessage: String shippedAt: DateTimeTz grandTotal(includingTax: Boolean! = true): MonetaryValue!
  lines: [ShipmentLine!]! order: Order!
}
"[S:directtoconsumershipment] (2026-12-04)"
type DirectToConsumerShipment implements Shipment {
  id: Int! number: String! createdAt: DateTimeTz! updatedAt: DateTimeTz! isGoodToGo: Boolean! isPrinted: Boolean! isShipped: Boolean!
  isOnHold: Boolean! isPaid: Boolean! isCaptured: Boolean! trackingNumber: String returnTrackingNumber: String numberOfPackages: Int!
  carrierInformation: CarrierInformation additionalMessage: String shippedAt: DateTimeTz grandTotal(includingTax: Boolean! = true): MonetaryValue!
  lines: [ShipmentLine!]! order: Order!
}
"[S:wholesaleshipment] assumed: the same fields as the DTC shipment (its page: not found on centra.dev, searched wholesaleshipment)"
type WholesaleShipment implements Shipment {
  id: Int! number: String! createdAt: DateTimeTz! updatedAt: DateTimeTz! isGoodToGo: Boolean! isPrinted: Boolean! isShipped: Boolean!
  isOnHold: Boolean! isPaid: Boolean! isCaptured: Boolean! trackingNumber: String returnTrackingNumber: String numberOfPackages: Int!
  carrierInformation: CarrierInformation additionalMessage: String shippedAt: DateTimeTz grandTotal(includingTax: Boolean! = true): MonetaryValue!
  lines: [ShipmentLine!]! order: Order!
}

"[S:returnline] (2026-12-04) id quantity orderLine: OrderLine! shipmentLine: ShipmentLine!"
type ReturnLine { id: Int! orderLine: OrderLine! quantity: Int! shipmentLine: ShipmentLine! }
"[S:directtoconsumerreturn] (Return interface)"
interface Return {
  id: Int! createdAt: DateTimeTz! returnStatus: String! totalQuantity: Int! returnedToStock: Boolean!
  grandTotal(includingTax: Boolean! = true): MonetaryValue! lines: [ReturnLine!]! comment: String
  refundPaymentHistory: [PaymentHistoryEntry!]! order: Order! store: Store!
}
"[S:directtoconsumerreturn]"
type DirectToConsumerReturn implements Return {
  id: Int! createdAt: DateTimeTz! returnStatus: String! totalQuantity: Int! returnedToStock: Boolean!
  grandTotal(includingTax: Boolean! = true): MonetaryValue! lines: [ReturnLine!]! comment: String
  refundPaymentHistory: [PaymentHistoryEntry!]! order: Order! store: Store! customer: Customer!
}
"[S:wholesalereturn] (account only on WholesaleReturn)"
type WholesaleReturn implements Return {
  id: Int! createdAt: DateTimeTz! returnStatus: String! totalQuantity: Int! returnedToStock: Boolean!
  grandTotal(includingTax: Boolean! = true): MonetaryValue! lines: [ReturnLine!]! comment: String
  refundPaymentHistory: [PaymentHistoryEntry!]! order: Order! store: Store! account: Account
}

"[S:invoiceline] (2026-12-04; the fields the emulator can serve): no brand object, brandName; prices default to excluding tax; product/variant nullable"
type InvoiceLine {
  quantity: Int! size: String productNumber: String productName: String productVariantName: String brandName: String
  unitPrice(includingTax: Boolean! = false): MonetaryValue! unitOriginalPrice(includingTax: Boolean! = false): MonetaryValue! taxPercent: Float!
  product: Product productVariant: ProductVariant
}
"[DOC:auth] Invoice interface with DTC and Wholesale implementations; [S:wholesaleinvoice] (2026-12-04) id type createdAt account (nullable) billingAddress lines; currency, order, buyer, store: past the part of the page read, assumed"
interface Invoice {
  id: Int! type: InvoiceType! createdAt: DateTimeTz! currency: Currency! order: Order billingAddress: Address buyer: Buyer! account: Account
  store: Store! lines: [InvoiceLine!]!
}
"[S:wholesaleinvoice] (2026-12-04, as the Invoice interface above)"
type WholesaleInvoice implements Invoice {
  id: Int! type: InvoiceType! createdAt: DateTimeTz! currency: Currency! order: Order billingAddress: Address buyer: Buyer! account: Account
  store: Store! lines: [InvoiceLine!]!
}

"[S:eventobjecttype] (the values the bridge touches)"
enum EventObjectType {
  Account Buyer Campaign Customer EmailHistoryEntry Invoice NewsletterSubscription Order OrderHistoryEntry
  PaymentHistoryEntry Return SalesRepresentative Shipment Subscription Voucher Wishlist
}
"[DOC:events]"
enum EventChangeType { CREATED UPDATED COMPLETED DELETED DEPENDENT_DATA_CHANGED }
"[S:event] EventTarget union (members: the object types the bridge models)"
union EventTarget = DirectToConsumerOrder | WholesaleOrder | DirectToConsumerShipment | WholesaleShipment | DirectToConsumerReturn | WholesaleReturn | Customer | Buyer | Account | WholesaleInvoice
"[S:event] [DOC:events]"
type Event {
  id: Int! objectType: EventObjectType! changeType: EventChangeType! objectReference: Int64! createdAt: DateTimeTz!
  store: Store market: Market object: EventTarget
}
"[DOC:events]"
type EventListener { integrationName: String objectType: EventObjectType! changeTypes: [EventChangeType!]! createdAt: DateTimeTz updatedAt: DateTimeTz }
"[S:eventlistenersetinput]"
input EventListenerSetInput { objectType: EventObjectType! changeTypes: [EventChangeType!] }
"[S:eventfilter]"
input EventFilter { objectType: [EventObjectType!] changeType: [EventChangeType!] storeId: [Int!] marketId: [Int!] }
"[DOC:events] confirmEvents(input: { eventsIds })"
input EventsConfirmInput { eventsIds: [Int!]! }
"[DOC:events]"
type UserError { message: String! path: [String!] }
"[DOC:events]"
type EventListenersPayload { eventListeners: [EventListener!]! userErrors: [UserError!]! userWarnings: [UserError!]! }
"[DOC:events]"
type EventsConfirmPayload { userErrors: [UserError!]! userWarnings: [UserError!]! }

"[S:daterange] [DOC:dtc] createdAt: { from, to }"
input DateRange { from: DateTimeTz to: DateTimeTz }
"[S:stringmatch] [DOC:erp] email: { equals }"
input StringMatch { equals: String }
"[S:orderfilter] (2026-12-04) number [Int!], id [String!], status [OrderStatus!], createdAt DateRange, storeType StoreType (a subset)"
input OrderFilter { number: [Int!] id: [String!] createdAt: DateRange storeType: StoreType status: [OrderStatus!] }
"[S:accountfilter] (2026-12-04) id [Int64!], buyerId [Int!] (a subset)"
input AccountFilter { id: [Int64!] buyerId: [Int!] }
"[S:customerfilter] (2026-12-04) id [Int!], email StringMatch, storeId [Int!] (a subset)"
input CustomerFilter { id: [Int!] email: StringMatch storeId: [Int!] }
"[S:returnfilter] (2026-12-04) id [Int!], customerId [Int!], buyerId [Int!], orderId [String!], orderNumber [Int!], storeId [Int!], storeType (a subset; no purchaserId)"
input ReturnFilter { id: [Int!] customerId: [Int!] buyerId: [Int!] orderId: [String!] orderNumber: [Int!] storeId: [Int!] storeType: StoreType }
"[S:shipmentfilter] (2026-12-04) id [Int!], number [String!], orderId [String!], customerId [Int!], storeId [Int!], storeType (a subset)"
input ShipmentFilter { id: [Int!] number: [String!] orderId: [String!] customerId: [Int!] storeId: [Int!] storeType: StoreType }
"[S:invoicefilter] (2026-12-04) id [Int!], number [Int!], type InvoiceType, accountId [Int64!], storeId [Int!] (a subset)"
input InvoiceFilter { id: [Int!] number: [Int!] type: InvoiceType accountId: [Int64!] storeId: [Int!] }
"[DOC:dtc] [DOC:auth] orderConnection: Relay pagination"
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
"[DOC:dtc] [DOC:auth]"
type OrderEdge { node: Order! cursor: String! }
"[DOC:dtc] [DOC:auth]"
type OrderConnection { totalCount: Int! pageInfo: PageInfo! edges: [OrderEdge!]! }
"[DOC:dtc] sort: orderDate_ASC (DESC assumed)"
enum OrderSort { orderDate_ASC orderDate_DESC }
"[DOC:dtc] currencies(where: { isBase: true })"
input CurrencyFilter { isBase: Boolean }

"[DOC:rate] RateLimitType"
enum RateLimitType { REQUEST_COUNT QUERY_COMPLEXITY MUTATION_COUNT }
"[DOC:rate] RateLimitInterval (intervalSeconds is this enum, as the page's example shows)"
enum RateLimitInterval { TEN_SECONDS ONE_HOUR }
"[S:ratelimit] (2026-12-04: the five fields, types and nullability) [DOC:rate] rateLimits { type intervalSeconds quota usedQuota remainingQuota }; quota = usedQuota + remainingQuota"
type RateLimit { type: RateLimitType! intervalSeconds: RateLimitInterval! quota: Int! usedQuota: Int! remainingQuota: Int! }

"Entry points [Q] (2026-12-04: orders, orderConnection, shipments, returns, customers, accounts, invoices, currencies, events, eventListeners, rateLimits are Centra's; Centra has NO buyers/buyer query: a buyer is read from accounts(where: { buyerId }) { buyers }; accounts(where: AccountFilter, sort, limit: Int = 20, page: Int = 1): [Account!]! and its limit range 1 - 200 from [S:query]; the other list fields are assumed to have the same shape (their part of [S:query] was not read)"
type Query {
  orders(where: OrderFilter, sort: [OrderSort!], limit: Int = 20, page: Int = 1): [Order!]!
  orderConnection(where: OrderFilter, sort: [OrderSort!], first: Int, after: String, last: Int, before: String): OrderConnection
  shipments(where: ShipmentFilter, limit: Int = 20, page: Int = 1): [Shipment!]!
  returns(where: ReturnFilter, limit: Int = 20, page: Int = 1): [Return!]!
  customers(where: CustomerFilter, limit: Int = 20, page: Int = 1): [Customer!]!
  accounts(where: AccountFilter, limit: Int = 20, page: Int = 1): [Account!]!
  invoices(where: InvoiceFilter, limit: Int = 20, page: Int = 1): [Invoice!]!
  currencies(where: CurrencyFilter): [Currency!]!
  events(where: EventFilter, limit: Int = 200): [Event!]!
  eventListeners: [EventListener!]!
  rateLimits: [RateLimit!]!
}

"[DOC:events]"
type Mutation {
  setEventListeners(input: [EventListenerSetInput!]!): EventListenersPayload!
  unsetEventListeners(input: [EventListenerSetInput!]!): EventListenersPayload!
  confirmEvents(input: EventsConfirmInput!): EventsConfirmPayload!
}
`;
