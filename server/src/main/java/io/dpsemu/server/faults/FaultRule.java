package io.dpsemu.server.faults;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.faults.FaultRuleChecks;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.faults.InvalidFaultRuleException;
import io.dpsemu.server.device.DeviceRequest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A checked fault rule: what it matches, when it fires, what it does and when it ends. Immutable; the
 * hits and matches counted so far live in {@link ActiveFault}.
 */
public final class FaultRule {

    private final String id;
    private final FaultRuleSpec spec;
    private final RequestMatcher matcher;
    private final double probability;
    private final int everyNth;
    private final FaultAction action;
    private final Integer maxHits;
    private final Duration expiresAfter;

    private FaultRule(String id, FaultRuleSpec spec, RequestMatcher matcher, double probability, int everyNth,
            FaultAction action, Integer maxHits, Duration expiresAfter) {
        this.id = id;
        this.spec = spec;
        this.matcher = matcher;
        this.probability = probability;
        this.everyNth = everyNth;
        this.action = action;
        this.maxHits = maxHits;
        this.expiresAfter = expiresAfter;
    }

    /**
     * Checks {@code spec} ({@link FaultRuleChecks#check}) and builds the rule it describes.
     *
     * @throws InvalidFaultRuleException naming the first field at fault
     */
    public static FaultRule of(String id, FaultRuleSpec spec) {
        FaultRuleSpec checked = FaultRuleChecks.check(id, spec);
        RequestMatcher matcher = new RequestMatcher(glob(checked.registrationId()), glob(checked.enrollmentGroupId()),
                checked.individual() != null, parseAll(checked.transports(), Transport.class, Transport::parse),
                parseAll(checked.kinds(), RequestKind.class, RequestKind::parse));
        return new FaultRule(id, checked, matcher, checked.probability() == null ? 1 : checked.probability(),
                checked.everyNth() == null ? 0 : checked.everyNth(), action(checked), checked.maxHits(),
                checked.expiresAfterSeconds() == null ? null : Duration.ofSeconds(checked.expiresAfterSeconds()));
    }

    public String id() {
        return id;
    }

    /** The rule as given, with the defaults it left out filled in (error code, retry-after, message). */
    public FaultRuleSpec spec() {
        return spec;
    }

    public FaultAction action() {
        return action;
    }

    boolean matches(DeviceRequest request) {
        return matcher.matches(request);
    }

    /** 1 unless the rule fires at random. */
    double probability() {
        return probability;
    }

    /** 0 unless the rule fires on every Nth matching request. */
    int everyNth() {
        return everyNth;
    }

    /** Null when the rule fires without limit. */
    Integer maxHits() {
        return maxHits;
    }

    /** Null when the rule does not expire. */
    Duration expiresAfter() {
        return expiresAfter;
    }

    @Override
    public String toString() {
        return id + " " + spec;
    }

    /** The action of a checked rule, which has exactly one. */
    private static FaultAction action(FaultRuleSpec checked) {
        if (checked.status() != null) {
            return new FaultAction.Respond(checked.errorCode(), checked.message(), checked.retryAfterSeconds());
        }
        if (checked.delayMillis() != null) {
            return new FaultAction.Delay(checked.delayMillis());
        }
        if (checked.drop() != null) {
            return new FaultAction.Drop();
        }
        return new FaultAction.FailOperation(checked.failOperation(), checked.message());
    }

    private static Glob glob(String pattern) {
        return pattern == null ? null : Glob.of(pattern);
    }

    /** The names of a checked rule, which are valid and listed in full. */
    private static <E extends Enum<E>> Set<E> parseAll(List<String> names, Class<E> type, Function<String, E> parse) {
        Set<E> values = EnumSet.noneOf(type);
        names.forEach(name -> values.add(parse.apply(name)));
        return values;
    }
}
