package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryFilterTest {

    private record Item(String id, String status, String type) {
    }

    private static final Map<String, Function<Item, String>> FIELDS = Map.of(
            "registrationid", Item::id,
            "provisioningstatus", Item::status,
            "attestation.type", Item::type);

    private static final List<Item> ITEMS = List.of(
            new Item("dev-1", "enabled", "symmetricKey"),
            new Item("dev-2", "disabled", "symmetricKey"),
            new Item("dev-3", "enabled", "x509"));

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "SELECT * FROM enrollments", "select * from enrollments",
            "  Select  *  From  enrollmentGroups  ", "SELECT * FROM c", "SELECT\n*\nFROM\nenrollments",
            "SELECT *", "select *  "})
    void selectStar_whenNoWhere_thenEverythingMatches(String query) {
        assertThat(matching(query)).containsExactly("dev-1", "dev-2", "dev-3");
    }

    @Test
    void where_whenOneEquality_thenOnlyMatchingItems() {
        assertThat(matching("SELECT * FROM enrollments WHERE provisioningStatus = 'enabled'"))
                .containsExactly("dev-1", "dev-3");
    }

    @Test
    void where_whenConditionsJoinedByAnd_thenAllMustHold() {
        assertThat(matching("select * from enrollments where provisioningStatus='enabled' AND "
                + "attestation.type = 'x509'")).containsExactly("dev-3");
        assertThat(matching("select * from enrollments where provisioningStatus='enabled' and "
                + "attestation.type='symmetricKey' and registrationId='dev-1'")).containsExactly("dev-1");
    }

    @Test
    void where_whenFromIsLeftOut_thenStillFilters() {
        assertThat(matching("SELECT * WHERE registrationId = 'dev-3'")).containsExactly("dev-3");
    }

    @Test
    void where_whenFieldAndValueInAnotherCase_thenStillMatches() {
        assertThat(matching("SELECT * FROM enrollments WHERE REGISTRATIONID = 'DEV-2'")).containsExactly("dev-2");
    }

    @Test
    void where_whenNothingMatches_thenEmpty() {
        assertThat(matching("SELECT * FROM enrollments WHERE registrationId = 'nobody'")).isEmpty();
    }

    @Test
    void where_whenFieldIsUnknown_thenRefusedNamingItAndTheKnownOnes() {
        assertThatThrownBy(() -> matching("SELECT * FROM enrollments WHERE deviceId = 'x'"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deviceId")
                .hasMessageContaining("registrationid");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT registrationId FROM enrollments",
            "DELETE FROM enrollments",
            "SELECT * FROM",
            "SELECT * FROM enrollments WHERE",
            "SELECT * FROM enrollments WHERE registrationId = dev-1",
            "SELECT * FROM enrollments WHERE registrationId = \"dev-1\"",
            "SELECT * FROM enrollments WHERE registrationId != 'dev-1'",
            "SELECT * FROM enrollments WHERE registrationId = 'dev-1' OR registrationId = 'dev-2'",
            "SELECT * FROM enrollments WHERE registrationId = 'dev-1' AND",
            "SELECT * FROM enrollments ORDER BY registrationId"})
    void query_whenNotUnderstood_thenRefused(String query) {
        assertThatThrownBy(() -> matching(query)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("(?s).*(SELECT|WHERE).*");
    }

    private static List<String> matching(String query) {
        QueryFilter<Item> filter = QueryFilter.parse(query, FIELDS);
        return ITEMS.stream().filter(filter::matches).map(Item::id).toList();
    }
}
