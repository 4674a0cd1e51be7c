package io.dpsemu.loadgen.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.loadgen.device.CertificateAuthority;
import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.device.TestCa;
import io.dpsemu.loadgen.flow.FlowResult.Outcome;
import io.dpsemu.loadgen.mqtt.TopicLayout;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsFlowHandlerTest {

    private final RecordingListener listener = new RecordingListener();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void registerThenPollAfterTheRetryAfterHeader_endsAssigned() {
        start(Device.withKey("dev-1", "AAECAwQFBgcICQoLDA0ODw=="));

        FullHttpRequest register = channel.readOutbound();
        assertThat(register.method()).isEqualTo(HttpMethod.PUT);
        assertThat(register.uri()).isEqualTo("/0ne00000001/registrations/dev-1/register?api-version=2021-06-01");
        assertThat(register.headers().get(HttpHeaderNames.AUTHORIZATION)).startsWith("SharedAccessSignature sr=");
        assertThat(register.headers().get(HttpHeaderNames.HOST)).isEqualTo("localhost:443");
        assertThat(register.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"registrationId\":\"dev-1\"}");
        register.release();
        channel.writeInbound(answer(HttpResponseStatus.ACCEPTED, "2",
                "{\"operationId\":\"op 1\",\"status\":\"assigning\"}"));
        channel.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        FullHttpRequest poll = channel.readOutbound();
        assertThat(poll.method()).isEqualTo(HttpMethod.GET);
        assertThat(poll.uri()).isEqualTo("/0ne00000001/registrations/dev-1/operations/op%201?api-version=2021-06-01");
        poll.release();
        channel.writeInbound(answer(HttpResponseStatus.OK, null, "{\"operationId\":\"op 1\",\"status\":\"assigned\"}"));

        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.ASSIGNED);
        assertThat(listener.onlyResult().polls()).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void x509Device_sendsNoAuthorization(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.write(dir);
        start(CertificateAuthority.load(ca.certificate(), ca.key()).issue("dev-x"));

        FullHttpRequest register = channel.readOutbound();

        assertThat(register.headers().contains(HttpHeaderNames.AUTHORIZATION)).isFalse();
        register.release();
    }

    @Test
    void serverError_isCountedAsHttp5xxAndRetried() {
        start(Device.withKey("dev-1", "AAECAwQFBgcICQoLDA0ODw=="));
        ((FullHttpRequest) channel.readOutbound()).release();

        channel.writeInbound(answer(HttpResponseStatus.SERVICE_UNAVAILABLE, "1",
                "{\"errorCode\":503001,\"message\":\"store down\"}"));
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(listener.errors).containsExactly("http_5xx: dev-1: store down");
        FullHttpRequest again = channel.readOutbound();
        assertThat(again.method()).isEqualTo(HttpMethod.PUT);
        again.release();
    }

    @Test
    void deviceWithCsr_sendsItWithThePreviewApiVersion_andHandsTheIssuedChainToTheListener() throws Exception {
        X509Bundle root = new CertificateBuilder().subject("CN=issuing root").ecp256().setIsCertificateAuthority(true)
                .buildSelfSigned();
        X509Bundle leaf = new CertificateBuilder().subject("CN=dev-1").ecp256().buildIssuedBy(root);
        start(Device.withKey("dev-1", "AAECAwQFBgcICQoLDA0ODw==").withCsr("TUlJQ1NS"));

        FullHttpRequest register = channel.readOutbound();
        assertThat(register.uri())
                .isEqualTo("/0ne00000001/registrations/dev-1/register?api-version=2025-07-01-preview");
        assertThat(register.content().toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"registrationId\":\"dev-1\",\"csr\":\"TUlJQ1NS\"}");
        register.release();
        channel.writeInbound(answer(HttpResponseStatus.OK, null, "{\"operationId\":\"op-1\",\"status\":\"assigned\","
                + "\"registrationState\":{\"status\":\"assigned\",\"issuedCertificateChain\":[\""
                + base64(leaf.getCertificate()) + "\",\"" + base64(root.getCertificate()) + "\"]}}"));

        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.ASSIGNED);
        assertThat(listener.issuedChains).containsExactly(List.of(leaf.getCertificate(), root.getCertificate()));
    }

    @Test
    void deviceWithCsr_assignedWithoutAChain_failsAsCertificateMissing() {
        start(Device.withKey("dev-1", "AAECAwQFBgcICQoLDA0ODw==").withCsr("TUlJQ1NS"));
        ((FullHttpRequest) channel.readOutbound()).release();

        channel.writeInbound(answer(HttpResponseStatus.OK, null,
                "{\"operationId\":\"op-1\",\"status\":\"assigned\"}"));

        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(listener.errors).singleElement().asString().startsWith("certificate_missing: dev-1: assigned, but");
        assertThat(listener.issuedChains).isEmpty();
    }

    @Test
    void deviceWithCsr_chainElementNotACertificate_failsAsProtocol() {
        start(Device.withKey("dev-1", "AAECAwQFBgcICQoLDA0ODw==").withCsr("TUlJQ1NS"));
        ((FullHttpRequest) channel.readOutbound()).release();

        channel.writeInbound(answer(HttpResponseStatus.OK, null, "{\"operationId\":\"op-1\",\"status\":\"assigned\","
                + "\"registrationState\":{\"issuedCertificateChain\":[\"bm90IGEgY2VydA==\"]}}"));

        assertThat(listener.errors).singleElement().asString()
                .startsWith("protocol: dev-1: registrationState.issuedCertificateChain[0] is not a base64 DER");
    }

    private static String base64(X509Certificate certificate) throws Exception {
        return Base64.getEncoder().encodeToString(certificate.getEncoded());
    }

    private void start(Device device) {
        HttpsFlowHandler handler = new HttpsFlowHandler(device,
                new FlowSettings("0ne00000001", PollPacing.SDK, TopicLayout.DPS, false, Duration.ofSeconds(30)), true,
                listener, "localhost:443");
        handler.start();
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(handler);
        channel.pipeline().fireChannelActive();
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    }

    private static FullHttpResponse answer(HttpResponseStatus status, String retryAfter, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (retryAfter != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        return response;
    }
}
