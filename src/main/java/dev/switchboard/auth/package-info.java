/**
 * Who a connection is and what it may do: JWT verification (HS256, RS256, ES256) and channel
 * permissions by pattern. Pure Java and Nimbus JOSE; no Jakarta.
 */
package dev.switchboard.auth;
