package io.dpsemu.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void pageSize_whenZeroOrNegative_thenDefault() {
        assertThat(Paging.pageSize(0)).isEqualTo(100);
        assertThat(Paging.pageSize(-5)).isEqualTo(100);
    }

    @Test
    void pageSize_whenAboveTheCap_thenCapped() {
        assertThat(Paging.pageSize(5000)).isEqualTo(1000);
        assertThat(Paging.pageSize(1000)).isEqualTo(1000);
        assertThat(Paging.pageSize(7)).isEqualTo(7);
    }

    @Test
    void page_whenMoreThanAPageFetched_thenContinuationLeadsPastTheLastItem() {
        Page<String> page = Paging.page(List.of("a", "b:c", "d"), 2, Function.identity());

        assertThat(page.items()).containsExactly("a", "b:c");
        assertThat(Paging.keyAfter(page.continuation())).isEqualTo("b:c");
    }

    @Test
    void keyAfter_whenNullOrEmpty_thenFirstPage() {
        assertThat(Paging.keyAfter(null)).isNull();
        assertThat(Paging.keyAfter("")).isNull();
    }

    @Test
    void keyAfter_whenNotBase64Url_thenIllegalArgumentNamingTheToken() {
        assertThatThrownBy(() -> Paging.keyAfter("%%%")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%%%");
    }
}
