package io.dpsemu.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection of a {@link JdbcDatabase}, inside a read or a write transaction. */
@FunctionalInterface
public interface SqlWork<R> {

    R run(Connection connection) throws SQLException;
}
