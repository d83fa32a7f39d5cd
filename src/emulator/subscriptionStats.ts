/** Counts for one subscription, for tests and for the `spar-bridge emulator` status output. */
export interface SubscriptionStats {
  /** Messages not acked yet, whether waiting for delivery or outstanding. */
  unacked: number;
  /** Messages delivered whose ack deadline has not passed. */
  outstanding: number;
  /** Acked messages still retained for seek. Always 0 without `retainAckedMessages`. */
  acked: number;
  /** Acks received since the subscription was created. */
  ackCount: number;
  /** Messages forwarded to the dead-letter topic. */
  deadLettered: number;
  /** Deliveries made, counting every redelivery. */
  deliveries: number;
  /** Open StreamingPull streams. */
  openStreams: number;
}
