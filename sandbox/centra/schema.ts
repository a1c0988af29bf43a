// The subset of Centra's Integration API schema the emulator serves. Types and field names are
// Centra's; fields the bridge's snapshot marks "assumed" are served under the snapshot's name
// (docs/centra.md lists them).
export const CENTRA_SDL = /* GraphQL */ `
scalar DateTimeTz
scalar Date
scalar Int64

enum StoreType { DIRECT_TO_CONSUMER WHOLESALE }
enum Status { ACTIVE INACTIVE }

type Currency { id: Int! code: String! }
type MonetaryValue { value: Float! currency: Currency! formattedValue: String! conversionRate: Float! }
type Store { id: Int! name: String! type: StoreType! }
type Market { id: Int! name: String! }
type Pricelist { id: Int! name: String! }
type Country { id: Int code: String! name: String! }
type CountryState { code: String name: String }
type Language { id: Int! code: String! name: String! }
type CarrierInformation { carrierName: String serviceName: String }

type Address {
  firstName: String lastName: String companyName: String attention: String address1: String address2: String
  city: String zipCode: String stateOrProvince: String state: CountryState country: Country
  email: String phoneNumber: String cellPhoneNumber: String faxNumber: String vatNumber: String
}

type AttributeType { name: String! description: String isMapped: Boolean! isMulti: Boolean! }
interface AttributeElement { key: String! description: String kind: String! }
type AttributeStringElement implements AttributeElement { key: String! description: String kind: String! value: String }
type AttributeChoiceElement implements AttributeElement { key: String! description: String kind: String! isMulti: Boolean! selectedValue: String selectedValueName: String }
type AttributeImageElement implements AttributeElement { key: String! description: String kind: String! url: String width: Int height: Int mimeType: String }
interface Attribute { description: String type: AttributeType! elements: [AttributeElement!]! }
type DynamicAttribute implements Attribute { description: String type: AttributeType! elements: [AttributeElement!]! }
type MappedAttribute implements Attribute { description: String type: AttributeType! elements: [AttributeElement!]! }

type SalesRepresentative { id: Int! name: String! status: Status! email: String commissionPercent: Float! }
type PaymentTerms { id: Int! description: String }
type ShippingTerms { id: Int! description: String }

type Account {
  id: Int64! name: String! status: Status! createdAt: DateTimeTz discountPercent: Float!
  salesRepresentative: SalesRepresentative paymentTerms: PaymentTerms shippingTerms: ShippingTerms
  accountEmail: String billingEmail: String shippingEmail: String vatNumber: String
  carrierInformation: CarrierInformation market: Market pricelist: Pricelist
  billingAddress: Address accountAddress: Address buyers: [Buyer!]! store: Store!
}

type Buyer {
  id: Int! status: Status! email: String! firstName: String lastName: String phoneNumber: String cellPhoneNumber: String
  createdAt: DateTimeTz totalOrders: Int! billingAddress: Address store: Store! receiveAutoEmails: Boolean! account: Account!
  "assumed: the buyer-level Send order receipt override (null = store setting)"
  sendOrderReceipt: Boolean
  "assumed: the buyer's company"
  companyName: String
}

type Customer {
  id: Int! status: Status! email: String! firstName: String lastName: String phoneNumber: String
  createdAt: DateTimeTz totalOrders: Int! billingAddress: Address store: Store! market: Market pricelist: Pricelist
  language: Language
  "assumed: registered (signed up) versus guest"
  isRegistered: Boolean!
  "assumed: newsletter subscription"
  newsletter: Boolean!
  "assumed: the Voyado Engage contact id custom attribute"
  engageContactId: String
}

type PaymentHistoryEntry {
  id: Int! createdAt: DateTimeTz status: String! entryType: String! externalReference: String
  value: MonetaryValue! paymentMethod: String
}

type Product {
  id: Int! name: String uri: String countryOfOrigin: Country excerpt: String stockUnit: String
  createdAt: DateTimeTz updatedAt: DateTimeTz attributes: [Attribute!]!
}
type ProductVariant { id: Int! name: String variantNumber: String }
type ProductSize { SKU: String GTIN: String EAN: String UPC: String sizeNumber: String description: String }
type Brand { id: Int name: String! uri: String }
"assumed shape: name is the path of category names"
type Category { id: Int! name: [String!]! uri: String }
type Collection { id: Int! name: String uri: String }
"assumed: a display (product page)"
type Display { id: Int! uri: String }
"assumed: one image, its URL per size name"
type ProductMedia { sources: [MediaSource!]! }
type MediaSource { sizeName: String! url: String! }

interface OrderLine {
  id: Int! productName: String productVariantName: String folderName: String size: String! productNumber: String!
  quantity: Int! cancelledQuantity: Int! returnedQuantity: Int! taxPercent: Float! discountPercent: Float!
  unitPrice(includingTax: Boolean = true): MonetaryValue! unitOriginalPrice(includingTax: Boolean = true): MonetaryValue!
  lineValue(includingTax: Boolean = true): MonetaryValue! hasAnyDiscount: Boolean! comment: String productExternalUrl: String
  display: Display product: Product productVariant: ProductVariant productSize: ProductSize brand: Brand
  category: Category collection: Collection media: [ProductMedia!] recommendedRetailPrice: MonetaryValue
}
type ProductOrderLine implements OrderLine {
  id: Int! productName: String productVariantName: String folderName: String size: String! productNumber: String!
  quantity: Int! cancelledQuantity: Int! returnedQuantity: Int! taxPercent: Float! discountPercent: Float!
  unitPrice(includingTax: Boolean = true): MonetaryValue! unitOriginalPrice(includingTax: Boolean = true): MonetaryValue!
  lineValue(includingTax: Boolean = true): MonetaryValue! hasAnyDiscount: Boolean! comment: String productExternalUrl: String
  display: Display product: Product productVariant: ProductVariant productSize: ProductSize brand: Brand
  category: Category collection: Collection media: [ProductMedia!] recommendedRetailPrice: MonetaryValue
}

type OrderTotals {
  quantity: Int! originalQuantity: Int! cancelledQuantity: Int! unexpeditedQuantity: Int!
  lineValues: MonetaryValue! shipping: MonetaryValue! handling: MonetaryValue! discounts: MonetaryValue!
  taxAdded: MonetaryValue! taxDeducted: MonetaryValue! taxIncluded: MonetaryValue!
  shippingTaxAdded: MonetaryValue shippingTaxDeducted: MonetaryValue shippingTaxIncluded: MonetaryValue
}

interface OrderDiscount { value: MonetaryValue! date: DateTimeTz! }
interface AppliedVoucher { value: MonetaryValue! date: DateTimeTz! voucherName: String code: String voucherMethod: String }
type AppliedVoucherDiscount implements OrderDiscount & AppliedVoucher {
  value: MonetaryValue! date: DateTimeTz! voucherName: String code: String voucherMethod: String shippingValue: MonetaryValue
}

type PaymentMethod { name: String plugin: String uri: String }
type ShippingOption { id: Int! name: String uri: String }
type ShippingPriceGroup { shippingOption: ShippingOption }
type PreorderDeliveryWindow { id: Int! name: String deliveryStartDate: Date deliveryEndDate: Date }
"assumed: subscription contracts of a DTC order"
type SubscriptionContract { id: Int! }

interface Order {
  id: String! number: Int! status: String! createdAt: DateTimeTz! updatedAt: DateTimeTz! orderDate: DateTimeTz!
  store: Store! market: Market pricelist: Pricelist country: Country language: Language currencyBaseRate: Float!
  grandTotal(includingTax: Boolean = true): MonetaryValue! totals: OrderTotals discountsApplied: [OrderDiscount!]!
  paymentMethod: PaymentMethod shippingPriceGroup: ShippingPriceGroup carrierInformation: CarrierInformation
  shippingAddress: Address billingAddress: Address lines(includeFullyCancelled: Boolean): [OrderLine!]!
  paymentHistory: [PaymentHistoryEntry!]! attributes: [Attribute!]! otherComment: String! isOnHold: Boolean! userIP: String
  shipments: [Shipment!]!
}
type DirectToConsumerOrder implements Order {
  id: String! number: Int! status: String! createdAt: DateTimeTz! updatedAt: DateTimeTz! orderDate: DateTimeTz!
  store: Store! market: Market pricelist: Pricelist country: Country language: Language currencyBaseRate: Float!
  grandTotal(includingTax: Boolean = true): MonetaryValue! totals: OrderTotals discountsApplied: [OrderDiscount!]!
  paymentMethod: PaymentMethod shippingPriceGroup: ShippingPriceGroup carrierInformation: CarrierInformation
  shippingAddress: Address billingAddress: Address lines(includeFullyCancelled: Boolean): [OrderLine!]!
  paymentHistory: [PaymentHistoryEntry!]! attributes: [Attribute!]! otherComment: String! isOnHold: Boolean! userIP: String
  shipments: [Shipment!]!
  customer: Customer subscriptionContracts: [SubscriptionContract!]
}
type WholesaleOrder implements Order {
  id: String! number: Int! status: String! createdAt: DateTimeTz! updatedAt: DateTimeTz! orderDate: DateTimeTz!
  store: Store! market: Market pricelist: Pricelist country: Country language: Language currencyBaseRate: Float!
  grandTotal(includingTax: Boolean = true): MonetaryValue! totals: OrderTotals discountsApplied: [OrderDiscount!]!
  paymentMethod: PaymentMethod shippingPriceGroup: ShippingPriceGroup carrierInformation: CarrierInformation
  shippingAddress: Address billingAddress: Address lines(includeFullyCancelled: Boolean): [OrderLine!]!
  paymentHistory: [PaymentHistoryEntry!]! attributes: [Attribute!]! otherComment: String! isOnHold: Boolean! userIP: String
  shipments: [Shipment!]!
  buyer: Buyer account: Account purchaseOrderNumber: String deliveryWindows: [PreorderDeliveryWindow!]
}

type ShipmentLine { id: Int! orderLine: OrderLine! quantity: Int! }
interface Shipment {
  id: Int! number: String! createdAt: DateTimeTz! updatedAt: DateTimeTz isGoodToGo: Boolean! isPrinted: Boolean! isShipped: Boolean!
  isOnHold: Boolean! isPaid: Boolean! isCaptured: Boolean! trackingNumber: String returnTrackingNumber: String numberOfPackages: Int!
  carrierInformation: CarrierInformation additionalMessage: String shippedAt: DateTimeTz grandTotal(includingTax: Boolean = true): MonetaryValue!
  "assumed: the shipping cost charged with this shipment"
  shippingValue: MonetaryValue
  lines: [ShipmentLine!]! order: Order!
}
type DirectToConsumerShipment implements Shipment {
  id: Int! number: String! createdAt: DateTimeTz! updatedAt: DateTimeTz isGoodToGo: Boolean! isPrinted: Boolean! isShipped: Boolean!
  isOnHold: Boolean! isPaid: Boolean! isCaptured: Boolean! trackingNumber: String returnTrackingNumber: String numberOfPackages: Int!
  carrierInformation: CarrierInformation additionalMessage: String shippedAt: DateTimeTz grandTotal(includingTax: Boolean = true): MonetaryValue!
  shippingValue: MonetaryValue lines: [ShipmentLine!]! order: Order!
}
type WholesaleShipment implements Shipment {
  id: Int! number: String! createdAt: DateTimeTz! updatedAt: DateTimeTz isGoodToGo: Boolean! isPrinted: Boolean! isShipped: Boolean!
  isOnHold: Boolean! isPaid: Boolean! isCaptured: Boolean! trackingNumber: String returnTrackingNumber: String numberOfPackages: Int!
  carrierInformation: CarrierInformation additionalMessage: String shippedAt: DateTimeTz grandTotal(includingTax: Boolean = true): MonetaryValue!
  shippingValue: MonetaryValue lines: [ShipmentLine!]! order: Order!
}

type ReturnLine { id: Int! orderLine: OrderLine! quantity: Int! }
interface Return {
  id: Int! createdAt: DateTimeTz! returnStatus: String! totalQuantity: Int! returnedToStock: Boolean!
  grandTotal(includingTax: Boolean = true): MonetaryValue! lines: [ReturnLine!]!
  "assumed: refunded shipping"
  shippingValue: MonetaryValue
  refundPaymentHistory: [PaymentHistoryEntry!]! order: Order! store: Store!
}
type DirectToConsumerReturn implements Return {
  id: Int! createdAt: DateTimeTz! returnStatus: String! totalQuantity: Int! returnedToStock: Boolean!
  grandTotal(includingTax: Boolean = true): MonetaryValue! lines: [ReturnLine!]! shippingValue: MonetaryValue
  refundPaymentHistory: [PaymentHistoryEntry!]! order: Order! store: Store! customer: Customer
}
type WholesaleReturn implements Return {
  id: Int! createdAt: DateTimeTz! returnStatus: String! totalQuantity: Int! returnedToStock: Boolean!
  grandTotal(includingTax: Boolean = true): MonetaryValue! lines: [ReturnLine!]! shippingValue: MonetaryValue
  refundPaymentHistory: [PaymentHistoryEntry!]! order: Order! store: Store! account: Account
}

type InvoiceLine {
  product: Product! productVariant: ProductVariant! productNumber: String! productName: String! brand: Brand size: String
  quantity: Int! unitOriginalPrice: MonetaryValue! unitPrice: MonetaryValue! taxPercent: Float!
}
"Invoice fields are assumed (Centra's Invoice type is not publicly readable)."
interface Invoice {
  id: Int! type: String! createdAt: DateTimeTz! currency: Currency! order: Order address: Address! buyer: Buyer! account: Account!
  store: Store! lines: [InvoiceLine!]! link: String! payLink: String!
}
type WholesaleInvoice implements Invoice {
  id: Int! type: String! createdAt: DateTimeTz! currency: Currency! order: Order address: Address! buyer: Buyer! account: Account!
  store: Store! lines: [InvoiceLine!]! link: String! payLink: String!
}

enum EventObjectType {
  Account Buyer Campaign Customer EmailHistoryEntry Invoice NewsletterSubscription Order OrderHistoryEntry
  PaymentHistoryEntry Return SalesRepresentative Shipment Subscription Voucher Wishlist
}
enum EventChangeType { CREATED UPDATED COMPLETED DELETED DEPENDENT_DATA_CHANGED }
type Event {
  id: Int! objectType: EventObjectType! changeType: EventChangeType! objectReference: Int64! createdAt: DateTimeTz!
  store: Store market: Market
}
type EventListener { integrationName: String objectType: EventObjectType! changeTypes: [EventChangeType!]! createdAt: DateTimeTz updatedAt: DateTimeTz }
input EventListenerSetInput { objectType: EventObjectType! changeTypes: [EventChangeType!] }
input EventFilter { objectType: [EventObjectType!] changeType: [EventChangeType!] storeId: [Int!] marketId: [Int!] }
input EventsConfirmInput { eventsIds: [Int!]! }
type UserError { message: String! path: [String!] }
type EventListenersPayload { eventListeners: [EventListener!]! userErrors: [UserError!]! userWarnings: [UserError!]! }
type EventsConfirmPayload { userErrors: [UserError!]! userWarnings: [UserError!]! }

# centra.dev/graphql/orderfilter.html: number is a list of order numbers.
input OrderFilter { number: [Int!] id: [String!] storeType: StoreType status: [String!] }
input IdFilter { id: [Int!] }
# centra.dev/graphql/accountfilter.html: account ids are Int64.
input AccountFilter { id: [Int64!] }

type Query {
  orders(where: OrderFilter, limit: Int = 20, page: Int = 1): [Order!]!
  shipments(where: IdFilter, limit: Int = 20, page: Int = 1): [Shipment!]!
  returns(where: IdFilter, limit: Int = 20, page: Int = 1): [Return!]!
  customers(where: IdFilter, limit: Int = 20, page: Int = 1): [Customer!]!
  buyers(where: IdFilter, limit: Int = 20, page: Int = 1): [Buyer!]!
  accounts(where: AccountFilter, limit: Int = 20, page: Int = 1): [Account!]!
  invoices(where: IdFilter, limit: Int = 20, page: Int = 1): [Invoice!]!
  events(where: EventFilter, limit: Int = 200): [Event!]!
  eventListeners: [EventListener!]!
}

type Mutation {
  setEventListeners(input: [EventListenerSetInput!]!): EventListenersPayload!
  unsetEventListeners(input: [EventListenerSetInput!]!): EventListenersPayload!
  confirmEvents(input: EventsConfirmInput!): EventsConfirmPayload!
}
`;
