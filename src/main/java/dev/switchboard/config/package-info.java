/**
 * Configuration: the documented defaults in {@code server-config/switchboard.properties}, a
 * configuration file, environment variables, system properties and flags, merged and validated into
 * one typed {@link dev.switchboard.config.ServerConfig}. A leaf: it imports no other Switchboard
 * package. A key whose value is another area's type is read through a {@link
 * dev.switchboard.config.Key} carrying that area's parser.
 */
package dev.switchboard.config;
