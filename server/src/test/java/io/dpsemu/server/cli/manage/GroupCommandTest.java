package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu group ...} against a real server, and {@code group derive-key} offline. */
class GroupCommandTest {

    /** The test vector of DPS's custom allocation tutorial (docs/protocol-notes.md#group-keys). */
    private static final String VECTOR_GROUP_KEY =
            "oiK77Oy7rBw8YB6IS6ukRChAw+Yq6GC61RMrPLSTiOOtdI+XDu0LmLuNm11p+qv2I+adqGUdZHm46zXAQdZoOA==";

    @TempDir
    static Path dataDir;

    @TempDir
    Path files;

    private static ManageServer server;

    @BeforeAll
    static void startServer() {
        server = ManageServer.start(dataDir);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void add_show_list_delete() {
        JsonNode created = server.run("group", "add", "group-crud", "--hub", ManageServer.HUB_A, "--json")
                .assertSucceeded().json();
        String primary = created.path("attestation").path("symmetricKey").path("primaryKey").asText();
        assertThat(created.path("enrollmentGroupId").asText()).isEqualTo("group-crud");
        assertThat(Base64.getDecoder().decode(primary)).hasSize(64);

        ManageCli.Result shown = server.run("group", "show", "group-crud").assertSucceeded();
        ManageCli.Result withKeys = server.run("group", "show", "group-crud", "--show-keys").assertSucceeded();
        ManageCli.Result listed = server.run("group", "list").assertSucceeded();
        JsonNode listedJson = server.run("group", "list", "--json").assertSucceeded().json();

        assertThat(shown.out()).containsPattern("(?m)^Enrollment group ID: +group-crud$").doesNotContain(primary);
        assertThat(withKeys.out()).contains(primary);
        assertThat(listed.out().lines().findFirst().orElseThrow()).startsWith("GROUP ID").contains("STATUS", "ETAG");
        assertThat(listed.out()).containsPattern("(?m)^group-crud +enabled +symmetricKey +static +hub-a.local ");
        assertThat(groupIds(listedJson)).contains("group-crud");

        server.run("group", "delete", "group-crud").assertSucceeded();

        server.run("group", "show", "group-crud").assertFailed("does not exist", "errorCode 404");
        assertThat(groupIds(server.run("group", "list", "--json").json())).doesNotContain("group-crud");
    }

    @Test
    void credentialPolicy_setByUpdateIsShown_andAnEmptyNameRemovesIt() {
        server.run("group", "add", "group-csr").assertSucceeded();

        ManageCli.Result updated = server.run("group", "update", "group-csr", "--credential-policy", "local")
                .assertSucceeded();
        ManageCli.Result listed = server.run("group", "list").assertSucceeded();
        server.run("group", "update", "group-csr", "--credential-policy", "").assertSucceeded();
        JsonNode cleared = server.run("group", "show", "group-csr", "--json").assertSucceeded().json();

        assertThat(updated.out()).containsPattern("(?m)^Credential policy: +local$");
        assertThat(listed.out()).containsPattern("(?m)^group-csr +enabled +symmetricKey +default +- +local ");
        assertThat(cleared.has("credentialPolicyName")).as(cleared.toString()).isFalse();
    }

    @Test
    void add_withGivenKeys_andUpdate_keepsThem() {
        String primary = EnrollmentCommandTest.newKey();
        String secondary = EnrollmentCommandTest.newKey();
        server.run("group", "add", "group-keys", "--key", primary, "--secondary-key", secondary).assertSucceeded();

        server.run("group", "update", "group-keys", "--disabled", "--reprovision-policy", "never").assertSucceeded();

        JsonNode shown = server.run("group", "show", "group-keys", "--show-keys", "--json").json();
        assertThat(shown.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(shown.path("reprovisionPolicy").path("updateHubAssignment").asBoolean()).isFalse();
        assertThat(shown.path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(primary);
        assertThat(shown.path("attestation").path("symmetricKey").path("secondaryKey").asText()).isEqualTo(secondary);
    }

    @Test
    void add_withSigningCertificate_showsItsInfo() {
        Path ca = files.resolve("group-ca.pem");
        ManageCli.run("cert", "ca", "--cn", "group test root", "--out-cert", ca.toString(), "--out-key",
                files.resolve("group-ca-key.pem").toString()).assertSucceeded();

        server.run("group", "add", "group-x509", "--x509-signing-cert", ca.toString()).assertSucceeded();
        JsonNode shown = server.run("group", "show", "group-x509", "--json").assertSucceeded().json();
        ManageCli.Result text = server.run("group", "show", "group-x509").assertSucceeded();
        ManageCli.Result listed = server.run("group", "list").assertSucceeded();

        assertThat(shown.path("attestation").path("x509").path("signingCertificates").path("primary").path("info")
                .path("subjectName").asText()).contains("group test root");
        assertThat(text.out()).containsPattern("(?m)^Primary signing certificate: +.*group test root");
        assertThat(listed.out()).containsPattern("(?m)^group-x509 +enabled +x509 \\(signing certificate\\)");
    }

    @Test
    void add_withCaReference() {
        JsonNode created = server.run("group", "add", "group-ca-ref", "--ca-reference", "my-root", "--json")
                .assertSucceeded().json();

        assertThat(created.path("attestation").path("x509").path("caReferences").path("primary").asText())
                .isEqualTo("my-root");
    }

    @Test
    void add_withKeyAndSigningCertificate_isBadInput() {
        server.run("group", "add", "group-both", "--key", EnrollmentCommandTest.newKey(), "--x509-signing-cert",
                "ca.pem").assertBadInput("--key");
    }

    @Test
    void deriveKey_offline_equalsThePublishedVectors() {
        ManageCli.Result first = ManageCli.run("group", "derive-key", "--group-key", VECTOR_GROUP_KEY,
                "--registration-id", "breakroom499-contoso-tstrsd-007").assertSucceeded();
        ManageCli.Result second = ManageCli.run("group", "derive-key", "--group-key", VECTOR_GROUP_KEY,
                "--registration-id", "mainbuilding167-contoso-hpsd-088").assertSucceeded();

        assertThat(first.out().trim()).isEqualTo("JC8F96eayuQwwz+PkE7IzjH2lIAjCUnAa61tDigBnSs=");
        assertThat(second.out().trim()).isEqualTo("6uejA9PfkQgmYylj8Zerp3kcbeVrGZ172YLa7VSnJzg=");
    }

    @Test
    void deriveKey_offline_needsNoServerNorDataDirectory() {
        JsonNode derived = ManageCli.run("group", "derive-key", "--group-key", VECTOR_GROUP_KEY,
                "--registration-id", "breakroom499-contoso-tstrsd-007", "--json", "--data-dir",
                files.resolve("nothing-here").toString(), "--port", "1").assertSucceeded().json();

        assertThat(derived.path("deviceKey").asText()).isEqualTo("JC8F96eayuQwwz+PkE7IzjH2lIAjCUnAa61tDigBnSs=");
        assertThat(derived.path("registrationId").asText()).isEqualTo("breakroom499-contoso-tstrsd-007");
    }

    @Test
    void deriveKey_fromTheServer_usesTheGroupKey() throws Exception {
        String primary = EnrollmentCommandTest.newKey();
        String secondary = EnrollmentCommandTest.newKey();
        server.run("group", "add", "group-derive", "--key", primary, "--secondary-key", secondary).assertSucceeded();

        ManageCli.Result derived = server.run("group", "derive-key", "group-derive", "--registration-id", "dev-7")
                .assertSucceeded();
        ManageCli.Result fromSecondary = server.run("group", "derive-key", "group-derive", "--registration-id",
                "dev-7", "--secondary").assertSucceeded();

        assertThat(derived.out().trim()).isEqualTo(hmac(primary, "dev-7"));
        assertThat(fromSecondary.out().trim()).isEqualTo(hmac(secondary, "dev-7"));
    }

    @Test
    void deriveKey_ofAnX509Group_fails() {
        server.run("group", "add", "group-x509-ref", "--ca-reference", "some-root").assertSucceeded();

        server.run("group", "derive-key", "group-x509-ref", "--registration-id", "dev-1")
                .assertFailed("not symmetricKey");
    }

    @Test
    void deriveKey_withoutRegistrationId_isBadInput() {
        ManageCli.run("group", "derive-key", "--group-key", VECTOR_GROUP_KEY).assertBadInput("--registration-id");
    }

    @Test
    void deriveKey_withNeitherGroupNorKey_isBadInput() {
        ManageCli.run("group", "derive-key", "--registration-id", "dev-1").assertBadInput("--group-key");
    }

    @Test
    void deriveKey_withKeyThatIsNotBase64_isBadInput() {
        ManageCli.run("group", "derive-key", "--group-key", "%%%", "--registration-id", "dev-1")
                .assertBadInput("--group-key");
    }

    @Test
    void deriveKey_unknownGroup_printsThe404Message() {
        server.run("group", "derive-key", "no-such-group", "--registration-id", "dev-1")
                .assertFailed("no-such-group", "does not exist", "404");
    }

    private static List<String> groupIds(JsonNode groups) {
        List<String> ids = new ArrayList<>();
        groups.forEach(g -> ids.add(g.path("enrollmentGroupId").asText()));
        return ids;
    }

    /** The derivation done with the JDK alone. */
    private static String hmac(String base64Key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
