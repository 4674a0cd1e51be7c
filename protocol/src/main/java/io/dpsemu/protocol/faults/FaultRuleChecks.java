package io.dpsemu.protocol.faults;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.Transport;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The checks a fault rule must pass wherever it comes from (the configuration, {@code POST /dpsemu/faults},
 * the CLI before it sends one), and the defaults it gets.
 */
public final class FaultRuleChecks {

    /** Bounds what the extension API can make the server hold. */
    public static final int MAX_RULES = 1000;
    private static final int MAX_PATTERN_LENGTH = 256;
    private static final int MAX_MESSAGE_LENGTH = 1024;
    private static final int MAX_RETRY_AFTER_SECONDS = 3600;
    private static final long MAX_DELAY_MILLIS = 600_000;
    /** Defaults for the common statuses; any other status gets {@code status * 1000}. */
    private static final Map<Integer, Integer> DEFAULT_ERROR_CODES = Map.of(400, 400001, 401, 401002, 404, 404001,
            429, 429001, 500, 500000, 503, 503001);
    /**
     * The statuses for which the SDKs honour retry-after get a default one
     * (docs/protocol-notes.md#responses-and-retry-after).
     */
    private static final Set<Integer> RETRY_AFTER_BY_DEFAULT = Set.of(429, 503);
    private static final int DEFAULT_RETRY_AFTER_SECONDS = 3;

    private FaultRuleChecks() {
    }

    /**
     * Checks {@code spec} and fills in the defaults it leaves out.
     *
     * @param id the rule's id, for the default message
     * @return the rule as given, with the defaults it left out filled in (error code, retry-after, message) and
     *         its transports and kinds listed in full
     * @throws InvalidFaultRuleException naming the first field at fault
     */
    public static FaultRuleSpec check(String id, FaultRuleSpec spec) {
        require(spec != null, "rule", "is empty");
        pattern(spec.registrationId(), "registrationId");
        pattern(spec.enrollmentGroupId(), "enrollmentGroupId");
        require(spec.individual() == null || spec.individual(), "individual",
                "only true is meaningful (leave it out to match every device)");
        require(spec.individual() == null || spec.enrollmentGroupId() == null, "individual",
                "cannot be combined with enrollmentGroupId: a device belongs to one or the other");
        Set<Transport> transports = parseAll(spec.transports(), "transports", Transport.class, Transport::parse);

        require(spec.probability() == null || spec.everyNth() == null, "everyNth",
                "cannot be combined with probability: choose one trigger");
        require(spec.probability() == null || (spec.probability() > 0 && spec.probability() <= 1), "probability",
                "must be greater than 0 and at most 1, not " + spec.probability());
        require(spec.everyNth() == null || spec.everyNth() >= 1, "everyNth", "must be at least 1, not "
                + spec.everyNth());
        require(spec.maxHits() == null || spec.maxHits() >= 1, "maxHits", "must be at least 1, not " + spec.maxHits());
        require(spec.expiresAfterSeconds() == null || spec.expiresAfterSeconds() >= 1, "expiresAfterSeconds",
                "must be at least 1, not " + spec.expiresAfterSeconds());
        require(spec.message() == null || spec.message().length() <= MAX_MESSAGE_LENGTH, "message",
                "must be at most " + MAX_MESSAGE_LENGTH + " characters");

        ActionFields action = action(id, spec);
        Set<RequestKind> kinds = parseAll(spec.kinds(), "kinds", RequestKind.class, RequestKind::parse);
        if (spec.failOperation() != null) {
            require(spec.kinds() == null || !kinds.contains(RequestKind.POLL), "kinds",
                    "failOperation applies to register requests only; leave out 'poll'");
            kinds = EnumSet.of(RequestKind.REGISTER);
        }
        return new FaultRuleSpec(spec.registrationId(), spec.enrollmentGroupId(), spec.individual(),
                transports.stream().map(Transport::configName).toList(),
                kinds.stream().map(RequestKind::configName).toList(), spec.probability(), spec.everyNth(),
                spec.status(), action.errorCode(), action.retryAfterSeconds(), action.message(), spec.delayMillis(),
                spec.drop(), spec.failOperation(), spec.maxHits(), spec.expiresAfterSeconds());
    }

    /** The fields of the action with their defaults; null where the action has no such field. */
    private record ActionFields(Integer errorCode, Integer retryAfterSeconds, String message) {
    }

    private static ActionFields action(String id, FaultRuleSpec spec) {
        int actions = (spec.status() != null ? 1 : 0) + (spec.delayMillis() != null ? 1 : 0)
                + (spec.drop() != null ? 1 : 0) + (spec.failOperation() != null ? 1 : 0);
        require(actions == 1, "action", actions == 0
                ? "a rule needs an action: one of status, delayMillis, drop or failOperation"
                : "status, delayMillis, drop and failOperation exclude each other: give exactly one");
        String message = spec.message() != null ? spec.message() : "injected fault " + id;
        if (spec.status() != null) {
            return respond(spec, message);
        }
        require(spec.errorCode() == null, "errorCode", "goes with status only");
        require(spec.retryAfterSeconds() == null, "retryAfterSeconds", "goes with status only");
        if (spec.delayMillis() != null) {
            require(spec.delayMillis() >= 1 && spec.delayMillis() <= MAX_DELAY_MILLIS, "delayMillis",
                    "must be between 1 and " + MAX_DELAY_MILLIS + ", not " + spec.delayMillis());
            require(spec.message() == null, "message", "goes with status or failOperation only");
            return new ActionFields(null, null, null);
        }
        if (spec.drop() != null) {
            require(spec.drop(), "drop", "only true is meaningful (leave it out otherwise)");
            require(spec.message() == null, "message", "goes with status or failOperation only");
            return new ActionFields(null, null, null);
        }
        require(spec.failOperation() >= 400_000 && spec.failOperation() <= 599_999, "failOperation",
                "must be a DPS error code between 400000 and 599999 (e.g. 400207), not " + spec.failOperation());
        return new ActionFields(null, null, message);
    }

    private static ActionFields respond(FaultRuleSpec spec, String message) {
        int status = spec.status();
        require(status >= 400 && status <= 599, "status", "must be an HTTP error status from 400 to 599, not "
                + status);
        int errorCode = spec.errorCode() != null ? spec.errorCode()
                : DEFAULT_ERROR_CODES.getOrDefault(status, status * 1000);
        require(errorCode >= 100_000 && errorCode <= 999_999 && errorCode / 1000 == status, "errorCode",
                "must be six digits starting with the status " + status + " (e.g. " + status + "001), not "
                        + errorCode);
        Integer retryAfter = spec.retryAfterSeconds() != null ? spec.retryAfterSeconds()
                : RETRY_AFTER_BY_DEFAULT.contains(status) ? DEFAULT_RETRY_AFTER_SECONDS : null;
        require(retryAfter == null || (retryAfter >= 0 && retryAfter <= MAX_RETRY_AFTER_SECONDS), "retryAfterSeconds",
                "must be between 0 and " + MAX_RETRY_AFTER_SECONDS + ", not " + retryAfter);
        return new ActionFields(errorCode, retryAfter, message);
    }

    private static void pattern(String pattern, String field) {
        require(pattern == null || (!pattern.isEmpty() && pattern.length() <= MAX_PATTERN_LENGTH), field,
                "must be a pattern of 1 to " + MAX_PATTERN_LENGTH + " characters ('*' any run, '?' one character)");
    }

    /** Every value when {@code names} is absent. */
    private static <E extends Enum<E>> Set<E> parseAll(List<String> names, String field, Class<E> type,
            Function<String, E> parse) {
        if (names == null) {
            return EnumSet.allOf(type);
        }
        require(!names.isEmpty(), field, "must name at least one value (leave it out to match all)");
        Set<E> values = EnumSet.noneOf(type);
        for (String name : names) {
            try {
                values.add(parse.apply(name));
            } catch (IllegalArgumentException e) {
                throw new InvalidFaultRuleException(field, e.getMessage());
            }
        }
        return values;
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new InvalidFaultRuleException(field, problem);
        }
    }
}
