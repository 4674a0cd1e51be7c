package io.dpsemu.protocol.faults;

/** A fault rule that cannot be used; the message names the field, e.g. "probability: must be ...". */
public final class InvalidFaultRuleException extends IllegalArgumentException {

    private final String field;
    private final String problem;

    public InvalidFaultRuleException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The JSON/YAML field of the rule at fault. */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
