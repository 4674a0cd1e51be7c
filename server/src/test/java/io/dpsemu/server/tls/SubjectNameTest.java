package io.dpsemu.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubjectNameTest {

    @Test
    void parse_whenIpv6IsWrittenInFull_thenEqualsItsShortForm() {
        assertThat(SubjectName.parse("0:0:0:0:0:0:0:1")).isEqualTo(SubjectName.parse("::1"))
                .isEqualTo(SubjectName.parse("[::1]")).isEqualTo(new SubjectName(true, "::1"));
    }

    @Test
    void parse_whenIpv4Literal_thenIpName() {
        assertThat(SubjectName.parse(" 192.0.2.1 ")).isEqualTo(new SubjectName(true, "192.0.2.1"));
    }

    @Test
    void parse_whenHostName_thenLowerCaseDnsName() {
        assertThat(SubjectName.parse("DPS.Example.TEST")).isEqualTo(new SubjectName(false, "dps.example.test"));
        assertThat(SubjectName.parse("300.1.1.1").ip()).isFalse();
    }

    @Test
    void parse_whenNameHasSpacesOrNonAscii_thenThrows() {
        assertThatThrownBy(() -> SubjectName.parse("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubjectName.parse("bücher.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubjectName.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
