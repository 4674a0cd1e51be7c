package io.dpsemu.server.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.it.AzureSdkDevice;
import io.dpsemu.server.it.TestServers;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The SQLite store (the default) on a real file system that fails under a running server (issue 11
 * cases 5 and 6; reliability.md K1): full, read-only, frozen. In each, devices on every transport
 * (raw HTTPS, MQTT and MQTT over WebSocket clients that retry as the SDKs do; and an Azure SDK device
 * on a frozen disk) are only ever told to retry ({@code 503} or {@code 429} with retry-after on the
 * register or the poll), never {@code failed}; {@code /health} answers 503 and {@code dps_store_up}
 * is 0 while the fault lasts; once it is removed the devices caught in it are assigned, new devices
 * are assigned, and every device ever told {@code assigned} has its record, read from the database
 * file after the server stopped. Root only (mounts, loop devices, fsfreeze): elsewhere the tests
 * are skipped, saying why.
 *
 * <p>Waits come from progress (the store reported down, each device answered), bounded only by
 * generous safety nets, so a loaded machine is slower but not failing.
 */
@Tag("reliability")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SqliteStoreFaultIT {

    private static final String GROUP = "fault-group";
    private static final List<String> TRANSPORTS = List.of("https", "mqtt", "mqttws");
    /** A safety net for what should take seconds; only a server that never recovers reaches it. */
    private static final Duration SAFETY_NET = Duration.ofMinutes(3);
    /** How long the server waits for one store call before the watchdog says the store is stalled. */
    private static final int STORE_CALL_TIMEOUT_MILLIS = 1000;

    private final String groupKey = RawMqttDevice.newKey();
    private final AssignedLedger ledger = new AssignedLedger();
    private final List<RetryingDevice> devices = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService background = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fault-device");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger names = new AtomicInteger();
    /** The event log (DPS-5001 names why the store is down). */
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private FaultFilesystem filesystem;
    private Path dataDir;
    private DpsServer server;
    /** The server's ports: ephemeral at the first start, the same after a restart, so devices find it again. */
    private int mqttPort;
    private int httpsPort;
    private Target target;
    private OperationsEndpoint operations;

    @AfterEach
    void cleanUp() {
        eventLog().detachAppender(events);
        // in this order: nothing may touch a frozen file system, and the server must let go of it before unmounting
        try {
            if (filesystem != null) {
                filesystem.thaw();
            }
            background.shutdownNow();
            devices.forEach(RetryingDevice::close);
            if (server != null) {
                server.close();
            }
        } finally {
            if (filesystem != null) {
                filesystem.close();
            }
        }
    }

    @Test
    void diskFull_whenSqliteGetsSqliteFull_thenDevicesAreToldToRetryAndAreAssignedOnceSpaceReturns() throws Exception {
        FaultFilesystem.assumeUsable(FaultFilesystem.Kind.TMPFS);
        filesystem = FaultFilesystem.tmpfs("16m");
        startServer();
        provision("before", 6);

        long filled = filesystem.fill();
        System.out.println("SqliteStoreFaultIT[full]: filled the tmpfs with " + filled + " bytes");
        List<Caught> caught = startDevices("full", 3);
        awaitStoreDown("the disk is full", "SQLITE_FULL");
        caught.addAll(startDevices("full-late", 3));
        awaitEveryDeviceToldToRetry(caught);

        filesystem.freeFiller();
        awaitStoreUp();
        finish(caught);
        provision("after", 3);

        verifyRecordsAfterStop("full");
    }

    @Test
    void diskFrozen_whenFsfreezeStallsTheStore_thenDevicesAreToldToRetryAndAreAssignedOnceThawed() throws Exception {
        FaultFilesystem.assumeUsable(FaultFilesystem.Kind.EXT4_LOOP);
        filesystem = FaultFilesystem.ext4(64);
        startServer();
        provision("before", 6);

        filesystem.freeze(Duration.ofMinutes(5));
        List<Caught> caught = startDevices("frozen", 3);
        awaitStoreDown("a store call hangs", "has not returned within " + STORE_CALL_TIMEOUT_MILLIS + " ms");
        caught.addAll(startDevices("frozen-late", 3));
        awaitEveryDeviceToldToRetry(caught);

        filesystem.thaw();
        awaitStoreUp();
        finish(caught);
        provision("after", 3);

        verifyRecordsAfterStop("frozen");
    }

    /** The official Java SDK, which dials 8883 and 443, so this server listens there. */
    @Test
    @Tag("sdk")
    void diskFrozen_whenAnAzureSdkDeviceRegisters_thenItsApplicationIsToldToRetryAndItIsAssignedOnceThawed()
            throws Exception {
        FaultFilesystem.assumeUsable(FaultFilesystem.Kind.EXT4_LOOP);
        filesystem = FaultFilesystem.ext4(64);
        mqttPort = TestServers.SDK_MQTT_PORT;
        httpsPort = TestServers.SDK_HTTPS_PORT;
        startServer();
        provision("before", 3);

        filesystem.freeze(Duration.ofMinutes(5));
        List<Caught> caught = startDevices("frozen", 1);
        awaitStoreDown("a store call hangs", "has not returned within " + STORE_CALL_TIMEOUT_MILLIS + " ms");
        List<String> sdkFailures = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<ProvisioningDeviceClientRegistrationResult> sdk = startSdkDevice("frozen-sdk", sdkFailures);
        awaitEveryDeviceToldToRetry(caught);
        await("the SDK device's first attempt refused").atMost(SAFETY_NET).until(() -> !sdkFailures.isEmpty());

        filesystem.thaw();
        awaitStoreUp();
        finish(caught);
        ProvisioningDeviceClientRegistrationResult result = sdk.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        ledger.assigned("frozen-sdk", result.getIothubUri(), result.getDeviceId(), "Azure SDK");
        // the Java SDK retries nothing itself: each refusal reached the application as an error naming 503
        System.out.println("SqliteStoreFaultIT[frozen, SDK]: the SDK device's refused attempts: " + sdkFailures);
        assertThat(sdkFailures).allSatisfy(failure -> assertThat(failure).contains("503"));

        verifyRecordsAfterStop("frozen, SDK");
    }

    @Test
    void readOnly_whenTheKernelTurnsTheFileSystemReadOnly_thenDevicesAreToldToRetryAndAreAssignedAfterRepair()
            throws Exception {
        FaultFilesystem.assumeUsable(FaultFilesystem.Kind.EXT4_LOOP);
        filesystem = FaultFilesystem.ext4(64);
        startServer();
        provision("before", 6);

        filesystem.failReadOnly();
        List<Caught> caught = startDevices("read-only", 3);
        awaitStoreDown("the file system is read-only", "SQLITE_IOERR", "SQLITE_READONLY");
        caught.addAll(startDevices("read-only-late", 3));
        awaitEveryDeviceToldToRetry(caught);

        // the kernel keeps the file system read-only until it is checked and mounted again, which needs
        // the database closed: the operator stops the server, repairs, starts it; devices retry meanwhile
        server.close();
        server = null;
        filesystem.repair();
        startServer();
        awaitStoreUp();
        finish(caught);
        provision("after", 3);

        verifyRecordsAfterStop("read-only");
    }

    // --- the server ------------------------------------------------------------------------

    private void startServer() {
        if (!events.isStarted()) {
            events.start();
            eventLog().addAppender(events);
        }
        dataDir = filesystem.root().resolve("data");
        server = TestServers.start(dataDir, "sqlite", Map.of(
                "mqttPort", mqttPort,
                "httpsPort", httpsPort,
                "operations.port", 0,
                "provisioning.retryAfterSeconds", 1,
                "limits.storeCallTimeoutMillis", STORE_CALL_TIMEOUT_MILLIS), Clock.systemUTC());
        if (server.store().findGroup(GROUP).isEmpty()) {
            server.store().putGroup(EnrollmentGroup.symmetricKey(GROUP, groupKey, null), null);
        }
        mqttPort = server.mqttPort();
        httpsPort = server.httpsPort();
        target = Target.of(server);
        operations = new OperationsEndpoint(server.operationsPort());
    }

    /**
     * Waits until the server reports the store down, then checks its DPS-5001 line names the fault
     * the test made (one of {@code causes}), not some other failure.
     */
    private void awaitStoreDown(String fault, String... causes) {
        await("/health 503 and dps_store_up 0 while " + fault).atMost(SAFETY_NET)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> operations.health() == 503 && operations.storeUp() == 0.0);
        List<String> storeDown;
        synchronized (events.list) {
            storeDown = events.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.startsWith("DPS-5001")).toList();
        }
        assertThat(storeDown).as("DPS-5001 lines while " + fault).isNotEmpty()
                .allSatisfy(line -> assertThat(line).containsAnyOf(causes));
    }

    private void awaitStoreUp() {
        await("/health 200 and dps_store_up 1 once the fault is gone").atMost(SAFETY_NET)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> operations.health() == 200 && operations.storeUp() == 1.0);
    }

    private static Logger eventLog() {
        return (Logger) LoggerFactory.getLogger("dps.events");
    }

    private void verifyRecordsAfterStop(String fault) {
        server.close();
        server = null;
        try (SqliteStore store = SqliteStore.open(dataDir.resolve("dpsemu.db"))) {
            AssignedLedger.Check check = ledger.check(store);
            System.out.println(check.line("SqliteStoreFaultIT[" + fault + "]"));
            assertThat(check.lost()).as("devices told assigned whose record is missing").isEmpty();
            assertThat(check.changed()).as("devices told assigned whose record differs").isEmpty();
        }
        assertThat(devices).as("every device's answers").allSatisfy(device -> assertThat(device.answers())
                .as(device.describe("answered")).noneMatch(Answer::finalFailure));
    }

    // --- the devices -----------------------------------------------------------------------

    /** Provisions {@code count} new devices one after another, over each transport in turn. */
    private void provision(String phase, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            RetryingDevice device = newDevice(phase, TRANSPORTS.get(i % TRANSPORTS.size()));
            ledger.assigned(device.provision(SAFETY_NET), device.registrationId());
            assertThat(device.answers()).as(device.describe("answered while the store was healthy"))
                    .noneMatch(Answer::retryLater);
        }
    }

    /** A device registering in the background, and its {@code assigned} answer once it has it. */
    private record Caught(RetryingDevice device, CompletableFuture<Answer> assigned) {
    }

    /** New devices that start registering now and keep trying, in the background, until assigned. */
    private List<Caught> startDevices(String phase, int count) {
        List<Caught> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RetryingDevice device = newDevice(phase, TRANSPORTS.get(i % TRANSPORTS.size()));
            started.add(new Caught(device, CompletableFuture.supplyAsync(() -> {
                try {
                    Answer assigned = device.provision(SAFETY_NET);
                    ledger.assigned(assigned, device.registrationId());
                    return assigned;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(device.describe("was interrupted"), e);
                }
            }, background)));
        }
        return started;
    }

    /** Every device caught by the fault has been told to retry later at least once: the fault reached it. */
    private void awaitEveryDeviceToldToRetry(List<Caught> caught) {
        for (Caught each : caught) {
            RetryingDevice device = each.device();
            try {
                await().atMost(SAFETY_NET).pollInterval(Duration.ofMillis(100))
                        .until(() -> device.answers().stream().anyMatch(Answer::retryLater));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(device.describe("was never told to retry later during the fault"), e);
            }
        }
    }

    private void finish(List<Caught> caught) throws Exception {
        for (Caught each : caught) {
            assertThat(each.assigned().get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS).assigned()).isTrue();
        }
    }

    private RetryingDevice newDevice(String phase, String transport) {
        String id = "fault-" + phase + "-" + transport + "-" + names.incrementAndGet();
        RetryingDevice device = new RetryingDevice(target.link(transport,
                target.device(id, DerivedKeys.deviceKey(groupKey, id))));
        devices.add(device);
        return device;
    }

    /**
     * The official Java SDK over MQTT, with the retry loop its application must have (the SDK retries
     * nothing itself): every refusal is kept.
     */
    private CompletableFuture<ProvisioningDeviceClientRegistrationResult> startSdkDevice(String id,
            List<String> failures) throws Exception {
        AzureSdkDevice sdk = new AzureSdkDevice(target.idScope(), target.caCertificate(),
                ProvisioningDeviceClientTransportProtocol.MQTT);
        String key = DerivedKeys.deviceKey(groupKey, id);
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    ProvisioningDeviceClientRegistrationResult result = sdk.register(id, key);
                    if (result.getProvisioningDeviceClientStatus()
                            == ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED) {
                        return result;
                    }
                    failures.add("status " + result.getProvisioningDeviceClientStatus());
                } catch (Exception e) {
                    StringBuilder chain = new StringBuilder(String.valueOf(e));
                    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                        chain.append(" <- ").append(cause);
                    }
                    failures.add(chain.toString());
                }
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            throw new AssertionError("the SDK device was not assigned within " + SAFETY_NET + "; refusals: "
                    + failures);
        }, background);
    }
}
