/**
 * Configuration: the documented defaults in {@code server-config/switchboard.properties}, a
 * configuration file, environment variables, system properties and flags, merged and validated
 * into one typed {@link dev.switchboard.config.ServerConfig}.
 */
package dev.switchboard.config;
