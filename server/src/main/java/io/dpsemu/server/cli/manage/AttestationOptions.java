package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.auth.SymmetricKeys;
import picocli.CommandLine.Option;

/**
 * Attestation options of {@code add} and {@code update}: symmetric keys here, certificates in the
 * subclasses. Options change only what they name: {@code --secondary-key} alone keeps the primary key.
 * With no attestation option, {@code add} asks for a symmetric key attestation whose keys the server
 * generates, and {@code update} keeps the attestation as it is.
 */
abstract class AttestationOptions {

    @Option(names = "--key", paramLabel = "BASE64", order = 10,
            description = "symmetric primary key, 16-64 bytes base64 (default for a new document: the server generates"
                    + " both keys)")
    String primaryKey;

    @Option(names = "--secondary-key", paramLabel = "BASE64", order = 11,
            description = "symmetric secondary key (default for a new document: generated)")
    String secondaryKey;

    boolean symmetricGiven() {
        return primaryKey != null || secondaryKey != null;
    }

    /** Whether any attestation option was given. */
    abstract boolean attestationGiven();

    /** Whether any option of this class was given. */
    boolean anyField() {
        return attestationGiven();
    }

    /** Checks the options (exclusive kinds, key formats) before anything is sent. */
    void check() {
        checkKey(primaryKey, "--key");
        checkKey(secondaryKey, "--secondary-key");
    }

    /**
     * The attestation to send.
     *
     * @param current the document's attestation with its keys ({@code attestationmechanism}), or null
     *                for a new document
     */
    abstract ObjectNode attestation(ObjectNode current);

    /** Fields besides the attestation that these options set; none by default. */
    void applyFields(ObjectNode document) {
    }

    ObjectNode symmetricKey(ObjectNode current) {
        ObjectNode attestation = isType(current, "symmetricKey") ? current.deepCopy() : fresh("symmetricKey");
        ObjectNode keys = child(attestation, "symmetricKey");
        if (primaryKey != null) {
            keys.put("primaryKey", primaryKey);
        }
        if (secondaryKey != null) {
            keys.put("secondaryKey", secondaryKey);
        }
        return attestation;
    }

    /** The unchanged attestation, or for a new document a symmetric key one whose keys the server makes. */
    static ObjectNode unchangedOrDefault(ObjectNode current) {
        return current != null ? current : fresh("symmetricKey");
    }

    static boolean isType(ObjectNode attestation, String type) {
        return attestation != null && type.equalsIgnoreCase(attestation.path("type").asText(""));
    }

    static ObjectNode fresh(String type) {
        ObjectNode attestation = JsonNodeFactory.instance.objectNode();
        attestation.put("type", type);
        return attestation;
    }

    static ObjectNode child(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode existing ? existing : parent.putObject(field);
    }

    static ObjectNode certificate(String pem) {
        ObjectNode certificate = JsonNodeFactory.instance.objectNode();
        certificate.put("certificate", pem);
        return certificate;
    }

    static void exclusive(String first, boolean firstGiven, String second, boolean secondGiven) {
        if (firstGiven && secondGiven) {
            throw new BadInputException(first, "cannot be combined with " + second
                    + ": a document has one kind of attestation");
        }
    }

    private static void checkKey(String key, String option) {
        if (key != null) {
            SymmetricKeys.problem(key).ifPresent(problem -> {
                throw new BadInputException(option, problem);
            });
        }
    }
}
