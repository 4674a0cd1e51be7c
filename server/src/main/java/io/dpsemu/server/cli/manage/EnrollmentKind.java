package io.dpsemu.server.cli.manage;

/** Individual enrollments or enrollment groups: where they live in the service API and what they are called. */
enum EnrollmentKind {
    ENROLLMENT("enrollments", "registrationId", "enrollment", "enrollment"),
    GROUP("enrollmentGroups", "enrollmentGroupId", "enrollment group", "group");

    /** The path's first segment, also the FROM of a query. */
    final String collection;
    /** The id's field in documents. */
    final String idField;
    /** What users call one, in messages. */
    final String noun;
    /** The dpsemu command that manages them. */
    final String command;

    EnrollmentKind(String collection, String idField, String noun, String command) {
        this.collection = collection;
        this.idField = idField;
        this.noun = noun;
        this.command = command;
    }

    String path(String id) {
        return ServiceClient.path(collection, id);
    }

    String attestationPath(String id) {
        return ServiceClient.path(collection, id, "attestationmechanism");
    }

    String queryPath() {
        return ServiceClient.path(collection, "query");
    }
}
