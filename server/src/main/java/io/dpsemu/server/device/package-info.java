/**
 * The vocabulary of a device request as it crosses from a transport ({@code mqtt}, {@code http}) to the
 * engine ({@code provisioning}, {@code faults}): who the device claims to be, how it talks, what it asked
 * and the transport-neutral answer.
 */
package io.dpsemu.server.device;
