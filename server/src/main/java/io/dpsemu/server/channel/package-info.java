/**
 * What every connection handler shares, whatever its transport: the close reasons and the one place
 * that closes a connection, the pipeline handler names and the TLS peer of a channel. The pipelines
 * themselves are assembled in {@code netty}; the MQTT, HTTP and service handlers use this package and
 * never {@code netty}.
 */
package io.dpsemu.server.channel;
