export { decide } from './decide.js';
export { assemblyLegs, isLegFulfilled, sparItems } from './legs.js';
export { coverageOf, type Coverage } from './coverage.js';
export { emptyOrderState, orderIdOf } from './orderState.js';
export {
  countingFulfillments,
  currentQuantity,
  formatCents,
  fulfilledQuantities,
  mergeFulfillments,
  normalizeSku,
  normalizeZip,
  parsePriceCents,
} from './normalize.js';
export { emailKinds } from './types.js';
export type * from './types.js';
