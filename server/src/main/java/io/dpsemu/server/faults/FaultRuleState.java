package io.dpsemu.server.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.dpsemu.protocol.faults.FaultRuleSpec;

/**
 * A rule in force, as {@code GET /dpsemu/faults} lists it: its id, the rule with its defaults filled
 * in, how often it fired, and how long it has left.
 *
 * @param expiresInSeconds null when the rule does not expire
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "hits", "expiresInSeconds"})
public record FaultRuleState(String id, int hits, Long expiresInSeconds, @JsonUnwrapped FaultRuleSpec rule) {
}
