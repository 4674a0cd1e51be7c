package io.dpsemu.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;

/**
 * The package structure of the production code of all three modules, top to bottom; a layer may use only
 * the layers below it (and itself):
 *
 * <ol>
 *   <li>composition root and CLI: {@code io.dpsemu.server} (the root package only) and {@code server.cli..}
 *   <li>admin CLI: {@code server.cli.manage..}, a pure HTTP client of the service API: protocol only
 *   <li>load generator: {@code io.dpsemu.loadgen..} (module loadgen), a client of any DPS-compatible
 *       server: protocol only
 *   <li>transports: {@code server.netty} (the pipelines), {@code mqtt}, {@code http}, {@code service} and
 *       {@code channel} (what every connection handler shares); only {@code netty} knows the pipelines
 *   <li>engine: {@code server.provisioning}, {@code allocation}, {@code faults}, {@code throttling},
 *       {@code enrollment}, {@code x509}, {@code issuance} (certificates signed for devices' CSRs)
 *   <li>base: {@code server.device}, {@code config}, {@code metrics}, {@code tls}
 *   <li>store: {@code io.dpsemu.store..} (module enrollment-store)
 *   <li>protocol: {@code io.dpsemu.protocol..} (module protocol)
 * </ol>
 *
 * <p>The admin CLI and the load generator are clients beside the server, not layers of it: nothing but
 * the command line uses them. And no package cycles anywhere. Constants that javac inlines (static final
 * primitives and strings) leave no trace in the class files, so a dependency made only of them escapes
 * these rules.
 */
@AnalyzeClasses(packages = "io.dpsemu",
        importOptions = {ImportOption.DoNotIncludeTests.class, PackageDependenciesTest.DoNotIncludeTestJars.class})
class PackageDependenciesTest {

    private static final String ROOT_AND_CLI = "composition root and CLI";
    private static final String ADMIN_CLI = "admin CLI";
    private static final String LOAD_GENERATOR = "load generator";
    private static final String TRANSPORTS = "transports";
    private static final String ENGINE = "engine";
    private static final String BASE = "base";
    private static final String STORE = "store";
    private static final String PROTOCOL = "protocol";

    private static final String ROOT_PACKAGE = "io.dpsemu.server";
    private static final String CLI_PACKAGES = "io.dpsemu.server.cli..";
    private static final String ADMIN_CLI_PACKAGES = "io.dpsemu.server.cli.manage..";
    private static final String LOAD_GENERATOR_PACKAGES = "io.dpsemu.loadgen..";
    private static final String PIPELINE_PACKAGES = "io.dpsemu.server.netty..";
    private static final String CHANNEL_PACKAGES = "io.dpsemu.server.channel..";
    private static final String[] HANDLER_PACKAGES = {
        "io.dpsemu.server.mqtt..", "io.dpsemu.server.http..", "io.dpsemu.server.service.."};
    private static final String[] TRANSPORT_PACKAGES = concat(new String[] {PIPELINE_PACKAGES, CHANNEL_PACKAGES},
            HANDLER_PACKAGES);
    private static final String[] ENGINE_PACKAGES = {
        "io.dpsemu.server.provisioning..", "io.dpsemu.server.allocation..", "io.dpsemu.server.faults..",
        "io.dpsemu.server.throttling..", "io.dpsemu.server.enrollment..", "io.dpsemu.server.x509..",
        "io.dpsemu.server.issuance.."};
    private static final String[] BASE_PACKAGES = {
        "io.dpsemu.server.device..", "io.dpsemu.server.config..", "io.dpsemu.server.metrics..",
        "io.dpsemu.server.tls.."};
    private static final String STORE_PACKAGES = "io.dpsemu.store..";
    private static final String PROTOCOL_PACKAGES = "io.dpsemu.protocol..";

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer(ROOT_AND_CLI).definedBy(resideInAnyPackage(ROOT_PACKAGE, CLI_PACKAGES)
                    .and(not(resideInAPackage(ADMIN_CLI_PACKAGES))))
            .layer(ADMIN_CLI).definedBy(ADMIN_CLI_PACKAGES)
            .layer(LOAD_GENERATOR).definedBy(LOAD_GENERATOR_PACKAGES)
            .layer(TRANSPORTS).definedBy(TRANSPORT_PACKAGES)
            .layer(ENGINE).definedBy(ENGINE_PACKAGES)
            .layer(BASE).definedBy(BASE_PACKAGES)
            .layer(STORE).definedBy(STORE_PACKAGES)
            .layer(PROTOCOL).definedBy(PROTOCOL_PACKAGES)
            .whereLayer(ROOT_AND_CLI).mayOnlyAccessLayers(ADMIN_CLI, LOAD_GENERATOR, TRANSPORTS, ENGINE, BASE, STORE,
                    PROTOCOL)
            .whereLayer(ADMIN_CLI).mayOnlyAccessLayers(PROTOCOL)
            .whereLayer(LOAD_GENERATOR).mayOnlyAccessLayers(PROTOCOL)
            .whereLayer(TRANSPORTS).mayOnlyAccessLayers(ENGINE, BASE, STORE, PROTOCOL)
            .whereLayer(ENGINE).mayOnlyAccessLayers(BASE, STORE, PROTOCOL)
            .whereLayer(BASE).mayOnlyAccessLayers(STORE, PROTOCOL)
            .whereLayer(STORE).mayOnlyAccessLayers(PROTOCOL)
            .whereLayer(PROTOCOL).mayNotAccessAnyLayer();

    /** A new package must be given its place above. */
    @ArchTest
    static final ArchRule everyPackageHasALayer = classes().should().resideInAnyPackage(concat(
            new String[] {ROOT_PACKAGE, CLI_PACKAGES, LOAD_GENERATOR_PACKAGES, STORE_PACKAGES, PROTOCOL_PACKAGES},
            TRANSPORT_PACKAGES,
            ENGINE_PACKAGES, BASE_PACKAGES));

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.dpsemu.(**)").should().beFreeOfCycles();

    /** The admin CLI ships in the server jar but talks to the server over HTTP only. */
    @ArchTest
    static final ArchRule adminCliDependsOnProtocolOnly = classes().that().resideInAPackage(ADMIN_CLI_PACKAGES)
            .should().onlyDependOnClassesThat().resideInAnyPackage(ADMIN_CLI_PACKAGES, PROTOCOL_PACKAGES, "java..",
                    "javax..", "com.fasterxml.jackson..", "picocli..");

    @ArchTest
    static final ArchRule onlyThePipelinesKnowThePipelines = noClasses().that()
            .resideInAnyPackage(concat(new String[] {CHANNEL_PACKAGES}, HANDLER_PACKAGES))
            .should().dependOnClassesThat().resideInAPackage(PIPELINE_PACKAGES);

    @ArchTest
    static final ArchRule channelKnowsNoHandler = noClasses().that().resideInAPackage(CHANNEL_PACKAGES)
            .should().dependOnClassesThat().resideInAnyPackage(HANDLER_PACKAGES);

    /**
     * The server's tests see the store's test fixtures (its test jar once packaged), which
     * {@link ImportOption.DoNotIncludeTests} does not recognise.
     */
    static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    private static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }
}
