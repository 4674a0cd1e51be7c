package io.dpsemu.server.service;

import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.faults.InvalidFaultRuleException;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.http.HttpResponses;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * dpsemu's extension of the service API, {@code /dpsemu/faults}: the fault rules of this node. Rules
 * live in memory, so the answers are made on the calling thread, not on a store thread.
 */
final class FaultResource {

    static final String EXTENSION = "dpsemu";
    static final String FAULTS = "faults";

    private final FaultRules rules;

    FaultResource(FaultRules rules) {
        this.rules = rules;
    }

    /** {@code GET /dpsemu/faults}: the rules in evaluation order, with their hits and remaining time. */
    FullHttpResponse list() {
        return ServiceResponses.ok(rules.list());
    }

    /** {@code POST /dpsemu/faults}: one rule; 201 with the stored rule and its id. */
    FullHttpResponse add(byte[] body) {
        try {
            return HttpResponses.json(201, rules.add(FaultRuleSpec.fromJson(body)));
        } catch (InvalidFaultRuleException e) {
            return ServiceResponses.invalid("invalid fault rule: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return ServiceResponses.error(ErrorCodes.BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            return ServiceResponses.error(ErrorCodes.LIMIT_REACHED, e.getMessage());
        }
    }

    /** {@code DELETE /dpsemu/faults/{id}}. */
    FullHttpResponse remove(String id) {
        return rules.remove(id) ? ServiceResponses.noContent() : ServiceResponses.notFound("fault rule '" + id + "'");
    }

    /** {@code DELETE /dpsemu/faults}: every rule. */
    FullHttpResponse clear() {
        rules.clear();
        return ServiceResponses.noContent();
    }
}
