package io.dpsemu.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.netty.AddressLimiter.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connections per source address: how many at once, and how fast new ones may come. */
class AddressLimiterTest {

    private static final long T0 = 1_000_000_000L;
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final InetAddress a = address("192.0.2.1");
    private final InetAddress b = address("192.0.2.2");

    @Test
    void admit_beyondTheOpenConnectionsOfOneAddress_thenTooMany() {
        AddressLimiter limiter = new AddressLimiter(3, 1000, 1000);

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.ADMITTED);
        }

        assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.TOO_MANY);
    }

    @Test
    void closed_thenTheAddressMayOpenAnotherConnection() {
        AddressLimiter limiter = new AddressLimiter(1, 1000, 1000);
        limiter.admit(a, T0);

        limiter.closed(a, T0);

        assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void admit_fromAnotherAddress_isCountedApart() {
        AddressLimiter limiter = new AddressLimiter(1, 1, 1);
        limiter.admit(a, T0);

        assertThat(limiter.admit(b, T0)).isEqualTo(Verdict.ADMITTED);
        assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.TOO_MANY);
    }

    @Test
    void admit_afterTheBurst_thenOnlyAtTheSustainedRate() {
        AddressLimiter limiter = new AddressLimiter(1000, 10, 5);

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(a, T0)).as("burst connection %d", i).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.TOO_FAST);
        assertThat(limiter.admit(a, T0 + 99 * MILLI)).as("before 1/rate has passed").isEqualTo(Verdict.TOO_FAST);
        assertThat(limiter.admit(a, T0 + 100 * MILLI)).isEqualTo(Verdict.ADMITTED);
        assertThat(limiter.admit(a, T0 + 100 * MILLI)).isEqualTo(Verdict.TOO_FAST);
    }

    @Test
    void admit_afterAQuietSpell_thenTheWholeBurstAgain() {
        AddressLimiter limiter = new AddressLimiter(1000, 10, 5);
        for (int i = 0; i < 6; i++) {
            limiter.admit(a, T0);
        }

        long later = T0 + 500 * MILLI;
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(a, later)).as("connection %d after the burst refilled", i)
                    .isEqualTo(Verdict.ADMITTED);
        }
        assertThat(limiter.admit(a, later)).isEqualTo(Verdict.TOO_FAST);
    }

    @Test
    void refusedConnections_useNoneOfTheRate() {
        AddressLimiter limiter = new AddressLimiter(1, 1, 2);
        limiter.admit(a, T0);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.TOO_MANY);
        }

        limiter.closed(a, T0);

        assertThat(limiter.admit(a, T0)).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void ipv6Addresses_ofOneSlash64_shareOneLimit() {
        AddressLimiter limiter = new AddressLimiter(1, 1000, 1000);
        limiter.admit(address("2001:db8:1:2::1"), T0);

        assertThat(limiter.admit(address("2001:db8:1:2:ffff::9"), T0)).isEqualTo(Verdict.TOO_MANY);
        assertThat(limiter.admit(address("2001:db8:1:3::1"), T0)).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void sweep_forgetsAddressesWithoutConnectionsOnceTheirBurstHasRefilled() {
        AddressLimiter limiter = new AddressLimiter(10, 10, 5);
        limiter.admit(a, T0);
        limiter.closed(a, T0);
        limiter.admit(b, T0);

        limiter.sweep(T0 + 50 * MILLI);
        assertThat(limiter.trackedAddresses()).as("a's rate still counts").isEqualTo(2);

        limiter.sweep(T0 + 10_000 * MILLI);
        assertThat(limiter.trackedAddresses()).as("only b, which holds a connection").isEqualTo(1);
        assertThat(limiter.admit(b, T0 + 10_000 * MILLI)).isEqualTo(Verdict.ADMITTED);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
