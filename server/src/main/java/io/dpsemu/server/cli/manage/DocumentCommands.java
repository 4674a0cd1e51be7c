package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The subcommands enrollments and groups share, written once over a {@link EnrollmentKind}; the
 * {@code enrollment} and {@code group} commands subclass them with their names and attestation options.
 */
final class DocumentCommands {

    private DocumentCommands() {
    }

    /** {@code add ID}: refuses an id in use, then PUT; prints the stored document with its keys. */
    abstract static class Add extends ServiceSubcommand {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID",
                description = "the registration id (enrollment) or enrollment group id (default: the one in --file)")
        String id;

        @Mixin
        EditOptions edit;

        abstract EnrollmentKind kind();

        abstract AttestationOptions attestationOptions();

        @Override
        void execute(Output out) {
            EnrollmentKind kind = kind();
            ObjectNode file = edit.fileDocument();
            String documentId = documentId(kind, id, file);
            ObjectNode document = JsonNodeFactory.instance.objectNode();
            document.put(kind.idField, documentId);
            if (file != null) {
                file.remove(kind.idField);
                document.setAll(file);
            }
            EditOptions.stripServerFields(document);
            AttestationOptions attestation = attestationOptions();
            edit.check();
            attestation.check();
            ObjectNode given = document.get("attestation") instanceof ObjectNode a ? a : null;
            document.set("attestation", attestation.attestationGiven() || given == null
                    ? attestation.attestation(given) : given);
            attestation.applyFields(document);
            edit.apply(document);

            ServiceClient client = client();
            if (client.find(kind.path(documentId)) != null) {
                throw new ManageException(kind.noun + " '" + documentId + "' already exists; change it with"
                        + " 'dpsemu " + kind.command + " update " + documentId + "'");
            }
            print(out, json, kind, client.put(kind.path(documentId), document, null), true, false);
        }
    }

    /**
     * {@code update ID}: reads the document and its keys, changes what the options name, and writes it
     * back with {@code If-Match}, so a change made meanwhile by someone else is refused, not overwritten.
     */
    abstract static class Update extends ServiceSubcommand {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID",
                description = "the registration id (enrollment) or enrollment group id (default: the one in --file)")
        String id;

        @Mixin
        EditOptions edit;

        @Option(names = "--etag", paramLabel = "ETAG", order = 80,
                description = "update only if the document still has this etag (default: the etag of --file, else"
                        + " the one just read)")
        String etag;

        @Option(names = "--show-keys", order = 81, description = "print the symmetric keys too")
        boolean showKeys;

        abstract EnrollmentKind kind();

        abstract AttestationOptions attestationOptions();

        @Override
        void execute(Output out) {
            EnrollmentKind kind = kind();
            ObjectNode file = edit.fileDocument();
            String documentId = documentId(kind, id, file);
            AttestationOptions attestation = attestationOptions();
            if (file == null && !edit.anyField() && !attestation.anyField()) {
                throw new BadInputException(null, "nothing to change: give --file or an option such as"
                        + " --disabled, --hub or --key");
            }
            edit.check();
            attestation.check();

            ServiceClient client = client();
            JsonNode current = client.get(kind.path(documentId));
            JsonNode keys = client.post(kind.attestationPath(documentId), JsonNodeFactory.instance.objectNode());
            ObjectNode document;
            if (file != null) {
                document = JsonNodeFactory.instance.objectNode();
                document.put(kind.idField, documentId);
                file.remove(kind.idField);
                document.setAll(file);
            } else if (current instanceof ObjectNode object) {
                document = object.deepCopy();
            } else {
                throw new ManageException("the server answered GET " + kind.path(documentId) + " with "
                        + current.getNodeType() + ", not a document");
            }
            String ifMatch = etag != null ? etag
                    : file != null && file.hasNonNull("etag") ? file.get("etag").asText()
                    : current.path("etag").asText(null);
            EditOptions.stripServerFields(document);
            ObjectNode currentAttestation = keys instanceof ObjectNode k ? k : null;
            ObjectNode fileAttestation = file != null && file.get("attestation") instanceof ObjectNode a ? a : null;
            ObjectNode base = fileAttestation != null ? fileAttestation : currentAttestation;
            document.set("attestation", attestation.attestationGiven() ? attestation.attestation(base) : base);
            attestation.applyFields(document);
            edit.apply(document);

            print(out, json, kind, client.put(kind.path(documentId), document, ifMatch), showKeys, false);
        }
    }

    /** {@code show ID}: GET, and with {@code --show-keys} the attestation with its keys. */
    abstract static class Show extends ServiceSubcommand {

        @Parameters(index = "0", paramLabel = "ID",
                description = "the registration id (enrollment) or enrollment group id")
        String id;

        @Option(names = "--show-keys", order = 1,
                description = "also fetch the symmetric keys (POST .../attestationmechanism); --json then shows the"
                        + " document with that attestation")
        boolean showKeys;

        abstract EnrollmentKind kind();

        @Override
        void execute(Output out) {
            EnrollmentKind kind = kind();
            ServiceClient client = client();
            JsonNode document = client.get(kind.path(id));
            if (showKeys && document instanceof ObjectNode object) {
                object.set("attestation", client.post(kind.attestationPath(id),
                        JsonNodeFactory.instance.objectNode()));
            }
            print(out, json, kind, document, showKeys, !showKeys);
        }
    }

    /** {@code list}: the query, page after page. */
    abstract static class ListDocuments extends ServiceSubcommand {

        @Option(names = "--top", paramLabel = "N", order = 1, description = "at most N items (default: all)")
        Integer top;

        @Option(names = "--page-size", paramLabel = "N", order = 2,
                description = "items per request, x-ms-max-item-count (default: the server's, or --top)")
        Integer pageSize;

        @Option(names = "--where", paramLabel = "CONDITION", order = 3,
                description = "a dpsemu extension: field = 'value' [AND ...] over the id, provisioningStatus and"
                        + " attestation.type, e.g. \"provisioningStatus = 'disabled'\"")
        String where;

        abstract EnrollmentKind kind();

        @Override
        void execute(Output out) {
            EnrollmentKind kind = kind();
            requirePositive(top, "--top");
            requirePositive(pageSize, "--page-size");
            String query = "SELECT * FROM " + kind.collection;
            if (where != null) {
                String condition = where.trim();
                if (condition.toLowerCase(Locale.ROOT).startsWith("where ")) {
                    condition = condition.substring("where ".length()).trim();
                }
                if (condition.isEmpty()) {
                    throw new BadInputException("--where", "is empty");
                }
                query += " WHERE " + condition;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("query", query);
            List<JsonNode> items = client().query("POST", kind.queryPath(), body, top, pageSize);
            if (json) {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                array.addAll(items);
                out.json(array);
            } else if (items.isEmpty()) {
                out.line("No " + kind.noun + "s.");
            } else {
                out.table(kind == EnrollmentKind.ENROLLMENT ? Views.ENROLLMENT_COLUMNS : Views.GROUP_COLUMNS,
                        items.stream().map(item -> Views.row(kind, item)).toList());
            }
        }
    }

    /** {@code delete ID [--etag E]}. */
    abstract static class Delete extends ServiceSubcommand {

        @Parameters(index = "0", paramLabel = "ID",
                description = "the registration id (enrollment) or enrollment group id")
        String id;

        @Option(names = "--etag", paramLabel = "ETAG", order = 1,
                description = "delete only if the document still has this etag")
        String etag;

        abstract EnrollmentKind kind();

        @Override
        void execute(Output out) {
            EnrollmentKind kind = kind();
            client().delete(kind.path(id), etag);
            if (!json) {
                out.line("Deleted " + kind.noun + " '" + id + "'.");
            }
        }
    }

    /** The id the command names, else the one in the file; both given must agree. */
    static String documentId(EnrollmentKind kind, String id, ObjectNode file) {
        String inFile = file != null && file.hasNonNull(kind.idField) ? file.get(kind.idField).asText() : null;
        if (id == null && inFile == null) {
            throw new BadInputException("ID", "give the " + (kind == EnrollmentKind.ENROLLMENT ? "registration id"
                    : "enrollment group id") + " (or a --file with " + kind.idField + ")");
        }
        if (id != null && inFile != null && !id.equalsIgnoreCase(inFile)) {
            throw new BadInputException("--file", "holds " + kind.idField + " '" + inFile + "' but the command names '"
                    + id + "'");
        }
        return id != null ? id : inFile;
    }

    /**
     * The document as the API's JSON with {@code --json}, else as fields.
     *
     * @param keys     whether to show the symmetric key values the document carries
     * @param keysHint whether to say how to see keys the document does not carry
     */
    private static void print(Output out, boolean json, EnrollmentKind kind, JsonNode document, boolean keys,
            boolean keysHint) {
        if (json) {
            out.json(document);
        } else {
            out.fields(Views.document(kind, document, keys, keysHint));
        }
    }
}
