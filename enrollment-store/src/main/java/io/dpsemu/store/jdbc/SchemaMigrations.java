package io.dpsemu.store.jdbc;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database to the current store schema with Flyway, set up the same way for every database. */
public final class SchemaMigrations {

    private SchemaMigrations() {
    }

    /**
     * Applies the migrations not applied yet; a location without migrations is an error, never an empty schema.
     *
     * @param location the database's migration scripts ({@code classpath:db/migration/sqlite})
     * @throws FlywayException when a migration fails or the schema is newer than these migrations
     */
    public static MigrateResult migrate(DataSource dataSource, String location) {
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .failOnMissingLocations(true)
                .loggers("slf4j")
                .load()
                .migrate();
    }
}
