package io.dpsemu.store.postgres;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server that tests run against, and a schema of their own on it. Connection
 * settings come from {@value #URL_VARIABLE}, {@value #USER_VARIABLE} and {@value #PASSWORD_VARIABLE}
 * (defaults: {@value #DEFAULT_URL}, {@value #DEFAULT_USER}, {@value #DEFAULT_PASSWORD}, as
 * {@code .ci/postgres-setup.sh} creates them). When nothing answers there, tests that call
 * {@link #assumeAvailable()} are skipped, or fail when {@value #REQUIRED_VARIABLE} (or the system
 * property {@value #REQUIRED_PROPERTY}) is {@code true}, so that CI cannot pass them silently.
 */
public final class PostgresTestDatabase {

    public static final String URL_VARIABLE = "DPSEMU_TEST_POSTGRES_URL";
    public static final String USER_VARIABLE = "DPSEMU_TEST_POSTGRES_USER";
    public static final String PASSWORD_VARIABLE = "DPSEMU_TEST_POSTGRES_PASSWORD";
    public static final String REQUIRED_VARIABLE = "DPSEMU_TEST_POSTGRES_REQUIRED";
    public static final String REQUIRED_PROPERTY = "dpsemu.test.postgres.required";
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/dpsemu_test";
    public static final String DEFAULT_USER = "dpsemu";
    public static final String DEFAULT_PASSWORD = "dpsemu";

    private static final Object LOCK = new Object();
    private static String problem;
    private static boolean checked;

    private PostgresTestDatabase() {
    }

    public static String url() {
        return setting(URL_VARIABLE, DEFAULT_URL);
    }

    public static String user() {
        return setting(USER_VARIABLE, DEFAULT_USER);
    }

    public static String password() {
        return setting(PASSWORD_VARIABLE, DEFAULT_PASSWORD);
    }

    /** Skips the calling test, or its whole class from {@code @BeforeAll}, unless the server answers. */
    public static void assumeAvailable() {
        String why = problem();
        if (why == null) {
            return;
        }
        String message = "cannot connect to PostgreSQL at " + url() + " as " + user() + " (" + why + "). To run"
                + " the PostgreSQL store tests, install and start PostgreSQL and create the role and database"
                + " (as root: bash .ci/postgres-setup.sh, which installs the Debian packages if needed), or point "
                + URL_VARIABLE + ", " + USER_VARIABLE + " and " + PASSWORD_VARIABLE + " at another server";
        if (required()) {
            fail(message + "; " + REQUIRED_VARIABLE + " says these tests must run");
        }
        assumeTrue(false, "PostgreSQL store tests skipped: " + message);
    }

    /** A new, empty schema that only the caller uses. */
    public static String createSchema() {
        String schema = "dpsemu_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    public static void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** The test URL with {@code schema} as the current schema. */
    public static String url(String schema) {
        String url = url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A plain connection (no pool, auto-commit) to {@code schema}, as a tool or another process would see it. */
    public static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(url(schema), connectionProperties());
    }

    private static String problem() {
        synchronized (LOCK) {
            if (!checked) {
                checked = true;
                try (Connection connection = DriverManager.getConnection(url(), connectionProperties())) {
                    connection.isValid(2);
                } catch (SQLException | RuntimeException e) {
                    problem = String.valueOf(e.getMessage());
                    System.err.println("PostgresTestDatabase: " + problem + "; PostgreSQL store tests are "
                            + (required() ? "required and will fail" : "skipped"));
                }
            }
            return problem;
        }
    }

    private static Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user());
        properties.setProperty("password", password());
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("loginTimeout", "3");
        return properties;
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(url(), connectionProperties());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static boolean required() {
        String value = System.getProperty(REQUIRED_PROPERTY, System.getenv(REQUIRED_VARIABLE));
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    private static String setting(String variable, String defaultValue) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
