/**
 * The fault rule document of dpsemu's {@code /dpsemu/faults} extension API and of the configuration's
 * {@code faults:} list: its JSON form, its checks and its defaults, shared by the server and the CLI. The
 * rules in force live in the server.
 */
package io.dpsemu.protocol.faults;
