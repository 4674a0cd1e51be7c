package io.dpsemu.store.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of one SQLite connection for reuse. The SQLite driver compiles the
 * SQL again on every {@code prepareStatement}, which was about 5 % of the server's CPU per
 * registration (a handful of statements each); the store's SQL is a small fixed set, so each is
 * compiled once per connection instead.
 *
 * <p>{@link #wrap} returns a connection whose {@code prepareStatement(String)} lends a kept
 * statement; closing it clears its parameters and keeps it again. Its result sets are closed by the callers as
 * before, which resets the SQLite statement, so no kept statement holds a read snapshot of the WAL.
 * A statement that threw is closed for real and prepared afresh next time. Like the connection it
 * belongs to, it serves one thread at a time.
 */
final class StatementCache implements InvocationHandler {

    private final Connection connection;
    private final Map<String, PreparedStatement> statements;

    private StatementCache(Connection connection, int maxStatements) {
        this.connection = connection;
        this.statements = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() <= maxStatements) {
                    return false;
                }
                closeQuietly(eldest.getValue());
                return true;
            }
        };
    }

    /** @param maxStatements how many statements to keep; beyond it, the one given back longest ago is closed */
    static Connection wrap(Connection connection, int maxStatements) {
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new StatementCache(connection, maxStatements));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement") && args.length == 1) {
            return lend((String) args[0]);
        }
        if (method.getName().equals("close")) {
            statements.values().forEach(StatementCache::closeQuietly);
            statements.clear();
        }
        return call(connection, method, args);
    }

    /** A kept statement is lent out until it is closed; a nested use of the same SQL gets one of its own. */
    private PreparedStatement lend(String sql) throws SQLException {
        PreparedStatement statement = statements.remove(sql);
        if (statement == null || statement.isClosed()) {
            statement = connection.prepareStatement(sql);
        }
        PreparedStatement lent = statement;
        return (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, new InvocationHandler() {
                    private boolean returned;

                    @Override
                    public Object invoke(Object p, Method method, Object[] args) throws Throwable {
                        if (method.getName().equals("close")) {
                            if (!returned) {
                                returned = true;
                                giveBack(sql, lent);
                            }
                            return null;
                        }
                        try {
                            return call(lent, method, args);
                        } catch (SQLException e) {
                            // its state after a failure is the driver's business: prepare it afresh next time
                            returned = true;
                            closeQuietly(lent);
                            throw e;
                        }
                    }
                });
    }

    private void giveBack(String sql, PreparedStatement statement) throws SQLException {
        if (statement.isClosed()) {
            return;
        }
        statement.clearParameters();
        PreparedStatement other = statements.put(sql, statement);
        if (other != null) {
            closeQuietly(other);
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // closing a statement of a failed or closing connection; nothing is left to release
        }
    }
}
