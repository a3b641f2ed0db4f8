/**
 * Kafka bridges: configured consumers that publish every record of Kafka topics into channels, with
 * an idempotency key per record and offsets committed only after the hub accepted the publications.
 * The only package that uses kafka-clients; the composition root builds the bridges when
 * bridge.kafka.* keys are set.
 */
@NullMarked
package dev.switchboard.bridge.kafka;

import org.jspecify.annotations.NullMarked;
