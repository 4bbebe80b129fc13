package io.muster.server.check;

import io.muster.store.model.Status;

/** One probe's verdict and the note that goes with it if it causes a transition (bounded, printable). */
record ProbeResult(Status status, String note) {

    ProbeResult {
        note = Notes.clean(note);
    }

    static ProbeResult passing(String note) {
        return new ProbeResult(Status.PASSING, note);
    }

    static ProbeResult warning(String note) {
        return new ProbeResult(Status.WARNING, note);
    }

    static ProbeResult critical(String note) {
        return new ProbeResult(Status.CRITICAL, note);
    }
}
