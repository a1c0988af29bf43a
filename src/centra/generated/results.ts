// generated — do not edit; npm run generate:centra-types (scripts/generate-centra-types.ts)
// The data of Centra's answers to the documents in src/centra/queries.ts, typed from sandbox/centra/schema.ts.

export type AccountFieldsFragment = {
  id: number | string;
  name: string;
  salesRepresentative: {
    id: number;
    name: string;
    email: string | null;
  } | null;
  paymentTerms: {
    description: string | null;
  } | null;
  shippingTerms: {
    description: string | null;
  } | null;
  shippingEmail: string | null;
  carrierInformation: {
    carrierName: string | null;
    serviceName: string | null;
  } | null;
};

export type AddrFragment = {
  firstName: string | null;
  lastName: string | null;
  companyName: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  zipCode: string | null;
  stateOrProvince: string | null;
  state: {
    code: string | null;
    name: string | null;
  } | null;
  country: {
    code: string;
    name: string;
  } | null;
  email: string | null;
  phoneNumber: string | null;
  cellPhoneNumber: string | null;
};

export type AttrsFragment = {
  type: {
    name: string;
  };
  elements: Array<({
    key: string;
    selectedValue: string | null;
    selectedValueName: string | null;
  } | {
    key: string;
  } | {
    key: string;
    url: string | null;
    width: number | null;
    height: number | null;
    mimeType: string | null;
  } | {
    key: string;
    value: string | null;
  })>;
};

export type BuyerFieldsFragment = {
  id: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  phoneNumber: string | null;
  billingAddress: AddrFragment | null;
  receiveAutoEmails: boolean;
};

export type CustomerFieldsFragment = {
  id: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  billingAddress: AddrFragment | null;
};

export type LineImagesFragment = {
  source: {
    url: string;
  } | null;
};

export type MoneyFragment = {
  value: number;
  currency: {
    code: string;
  };
};

export type OrderFieldsFragment = ({
  __typename: 'DirectToConsumerOrder';
  id: string;
  number: number;
  status: OrderStatus;
  createdAt: string;
  store: {
    id: number;
    name: string;
    type: StoreType;
  };
  market: {
    id: number;
    name: string;
  } | null;
  pricelist: {
    id: number;
    name: string;
  } | null;
  country: {
    code: string;
  } | null;
  currencyBaseRate: number;
  grandTotal: MoneyFragment;
  totals: {
    shipping: MoneyFragment;
    handling: MoneyFragment;
    shippingTaxIncluded: MoneyFragment | null;
    taxDeducted: MoneyFragment;
  } | null;
  discountsApplied: Array<{
    value: MoneyFragment;
    code: string | null;
    voucherName: string | null;
  }>;
  paymentMethod: {
    uri: string | null;
    plugin: string | null;
  } | null;
  shippingPriceGroup: {
    shippingOption: {
      name: string | null;
    } | null;
  } | null;
  shippingAddress: AddrFragment | null;
  billingAddress: AddrFragment | null;
  lines: Array<OrderLineFieldsFragment>;
  paymentHistory: Array<{
    entryType: PaymentHistoryEntryType;
    status: PaymentHistoryEntryStatus;
    value: MoneyFragment;
  }>;
  attributes: Array<AttrsFragment>;
  customer: CustomerFieldsFragment | null;
} | {
  __typename: 'WholesaleOrder';
  id: string;
  number: number;
  status: OrderStatus;
  createdAt: string;
  store: {
    id: number;
    name: string;
    type: StoreType;
  };
  market: {
    id: number;
    name: string;
  } | null;
  pricelist: {
    id: number;
    name: string;
  } | null;
  country: {
    code: string;
  } | null;
  currencyBaseRate: number;
  grandTotal: MoneyFragment;
  totals: {
    shipping: MoneyFragment;
    handling: MoneyFragment;
    shippingTaxIncluded: MoneyFragment | null;
    taxDeducted: MoneyFragment;
  } | null;
  discountsApplied: Array<{
    value: MoneyFragment;
    code: string | null;
    voucherName: string | null;
  }>;
  paymentMethod: {
    uri: string | null;
    plugin: string | null;
  } | null;
  shippingPriceGroup: {
    shippingOption: {
      name: string | null;
    } | null;
  } | null;
  shippingAddress: AddrFragment | null;
  billingAddress: AddrFragment | null;
  lines: Array<OrderLineFieldsFragment>;
  paymentHistory: Array<{
    entryType: PaymentHistoryEntryType;
    status: PaymentHistoryEntryStatus;
    value: MoneyFragment;
  }>;
  attributes: Array<AttrsFragment>;
  buyer: BuyerFieldsFragment | null;
  account: AccountFieldsFragment | null;
  purchaseOrderNumber: string | null;
  deliveryWindows: Array<{
    name: string | null;
  }> | null;
});

export type OrderLineFieldsFragment = {
  __typename: 'ProductOrderLine';
  id: number;
  productName: string | null;
  productVariantName: string | null;
  folderName: string | null;
  size: string;
  productNumber: string;
  quantity: number;
  taxPercent: number;
  unitPrice: MoneyFragment;
  unitOriginalPrice: MoneyFragment;
  hasAnyDiscount: boolean;
  comment: string | null;
  productExternalUrl: string | null;
  product: {
    id: number;
    name: string | null;
    attributes: Array<AttrsFragment>;
    media: Array<LineImagesFragment>;
  } | null;
  productVariant: {
    id: number;
    name: string | null;
  } | null;
  productSize: {
    SKU: string | null;
    GTIN: string | null;
    description: string | null;
  } | null;
  brand: {
    id: number | null;
    name: string;
  } | null;
};

export type AccountSnapshotQuery = {
  accounts: Array<AccountFieldsFragment & {
    buyers: Array<{
      id: number;
      store: {
        id: number;
        name: string;
        type: StoreType;
      };
    }>;
  }>;
};

export type BuyerSnapshotQuery = {
  buyerAccounts: Array<{
    buyers: Array<BuyerFieldsFragment & {
      account: AccountFieldsFragment;
      store: {
        id: number;
        name: string;
        type: StoreType;
      };
    }>;
  }>;
};

export type ConfirmEventsMutation = {
  confirmEvents: {
    userErrors: Array<{
      message: string;
      path: Array<string> | null;
    }>;
  };
};

export type CustomerSnapshotQuery = {
  customers: Array<CustomerFieldsFragment & {
    store: {
      id: number;
      name: string;
      type: StoreType;
    };
  }>;
};

export type EventsQuery = {
  events: Array<{
    id: number;
    objectType: EventObjectType;
    changeType: EventChangeType;
    objectReference: number | string;
    createdAt: string;
    store: {
      id: number;
    } | null;
  }>;
};

export type InvoiceSnapshotQuery = {
  invoices: Array<{
    id: number;
    type: InvoiceType;
    createdAt: string;
    currency: {
      code: string;
    };
    order: ({
      number: number;
    } | {
      number: number;
      purchaseOrderNumber: string | null;
    }) | null;
    billingAddress: AddrFragment | null;
    buyer: {
      id: number;
      email: string;
      firstName: string | null;
      lastName: string | null;
    };
    account: AccountFieldsFragment | null;
    store: {
      id: number;
      name: string;
      type: StoreType;
    };
    lines: Array<{
      product: {
        id: number;
      } | null;
      productVariant: {
        id: number;
        name: string | null;
      } | null;
      productNumber: string | null;
      productName: string | null;
      brandName: string | null;
      size: string | null;
      quantity: number;
      unitOriginalPrice: MoneyFragment;
      unitPrice: MoneyFragment;
      taxPercent: number;
    }>;
  }>;
};

export type OrderSnapshotQuery = {
  orders: Array<OrderFieldsFragment>;
};

export type RateLimitsQuery = {
  rateLimits: Array<{
    type: RateLimitType;
    intervalSeconds: RateLimitInterval;
    quota: number;
    usedQuota: number;
    remainingQuota: number;
  }>;
};

export type ReturnSnapshotQuery = {
  returns: Array<{
    id: number;
    createdAt: string;
    returnStatus: string;
    lines: Array<{
      orderLine: {
        id: number;
      };
      quantity: number;
    }>;
    refundPaymentHistory: Array<{
      entryType: PaymentHistoryEntryType;
      status: PaymentHistoryEntryStatus;
      value: MoneyFragment;
    }>;
    order: OrderFieldsFragment;
  }>;
};

export type SetEventListenersMutation = {
  setEventListeners: {
    eventListeners: Array<{
      objectType: EventObjectType;
      changeTypes: Array<EventChangeType>;
    }>;
    userErrors: Array<{
      message: string;
      path: Array<string> | null;
    }>;
  };
};

export type ShipmentSnapshotQuery = {
  shipments: Array<{
    id: number;
    number: string;
    createdAt: string;
    isGoodToGo: boolean;
    isShipped: boolean;
    shippedAt: string | null;
    trackingNumber: string | null;
    numberOfPackages: number;
    carrierInformation: {
      carrierName: string | null;
      serviceName: string | null;
    } | null;
    additionalMessage: string | null;
    lines: Array<{
      orderLine: {
        id: number;
      };
      quantity: number;
    }>;
    order: OrderFieldsFragment;
  }>;
};

export type EventChangeType = 'CREATED' | 'UPDATED' | 'COMPLETED' | 'DELETED' | 'DEPENDENT_DATA_CHANGED';

export type EventObjectType = 'Account' | 'Buyer' | 'Campaign' | 'Customer' | 'EmailHistoryEntry' | 'Invoice' | 'NewsletterSubscription' | 'Order' | 'OrderHistoryEntry' | 'PaymentHistoryEntry' | 'Return' | 'SalesRepresentative' | 'Shipment' | 'Subscription' | 'Voucher' | 'Wishlist';

export type InvoiceType = 'INVOICE' | 'CREDIT_NOTE';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'PROCESSING' | 'SHIPPED' | 'CANCELLED' | 'ARCHIVED';

export type PaymentHistoryEntryStatus = 'SUCCESS' | 'PENDING' | 'FAILED';

export type PaymentHistoryEntryType = 'AUTH' | 'CAPTURE' | 'CAPTURE_PENDING' | 'CAPTURE_FAILED' | 'CAPTURE_REQUEST' | 'REFUND' | 'REFUND_REQUEST' | 'REFUND_FAILED' | 'CANCEL' | 'CANCEL_REQUEST' | 'MARKED_AS_PAID' | 'MARKED_AS_UNPAID' | 'PREPAID' | 'AUTH_PENDING' | 'ADDITIONAL_ORDER_PAYMENT' | 'INVOICE' | 'OTHER' | 'AUTH_GIFT_CARD' | 'CAPTURE_GIFT_CARD' | 'CANCEL_GIFT_CARD' | 'REFUND_GIFT_CARD';

export type RateLimitInterval = 'TEN_SECONDS' | 'ONE_HOUR';

export type RateLimitType = 'REQUEST_COUNT' | 'QUERY_COMPLEXITY' | 'MUTATION_COUNT';

export type StoreType = 'DIRECT_TO_CONSUMER' | 'WHOLESALE';
