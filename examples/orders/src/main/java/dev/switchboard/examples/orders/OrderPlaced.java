package dev.switchboard.examples.orders;

/** Fired inside the transaction that stored {@code order}; observed after it commits. */
public record OrderPlaced(OrderView order) {}
