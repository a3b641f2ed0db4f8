/**
 * Traces through OpenTelemetry: {@link dev.switchboard.otel.OtelTracing} implements the hub's
 * {@code Tracing} seam on the OpenTelemetry API. The only package that imports OpenTelemetry; the
 * composition root builds it when the {@code tracing} setting asks for it.
 */
package dev.switchboard.otel;
