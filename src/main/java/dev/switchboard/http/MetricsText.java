package dev.switchboard.http;

/**
 * What {@code GET /metrics} serves: a scrape in a text format of a monitoring system. The API
 * routes and protects the path; the format lives behind this interface, so this package needs no
 * metrics library.
 */
public interface MetricsText {

  /** The Content-Type of {@link #scrape()}. */
  String contentType();

  /** The current values of every metric, read now. Never blocks on the engine. */
  String scrape();
}
