package io.dpsemu.loadgen.flow;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Keeps what flows report, for assertions. */
final class RecordingListener implements FlowListener {

    final List<String> errors = new ArrayList<>();
    final List<FlowResult> results = new ArrayList<>();
    final List<List<X509Certificate>> issuedChains = new ArrayList<>();
    int heldClosed;

    @Override
    public void error(String kind, String registrationId, String detail) {
        errors.add(kind + ": " + registrationId + ": " + detail);
    }

    @Override
    public void finished(FlowResult result) {
        results.add(result);
    }

    @Override
    public void certificateIssued(List<X509Certificate> chain) {
        issuedChains.add(chain);
    }

    @Override
    public void heldSessionClosed() {
        heldClosed++;
    }

    FlowResult onlyResult() {
        if (results.size() != 1) {
            throw new AssertionError("expected one result, got " + results);
        }
        return results.get(0);
    }
}
