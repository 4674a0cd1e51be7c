package io.dpsemu.server.config;

/**
 * The PostgreSQL store, shared by every node of a cluster.
 *
 * @param url      a {@code jdbc:postgresql://host:port/database} URL ({@code ?currentSchema=...} to
 *                 keep dpsemu's tables in their own schema)
 * @param password best given by environment ({@code DPSEMU_POSTGRES_PASSWORD}); never logged
 * @param poolSize connections of this node
 */
public record PostgresConfig(String url, String user, String password, int poolSize) {

    static PostgresConfig defaults() {
        return new PostgresConfig(null, "dpsemu", null, 10);
    }
}
