package io.muster.store.model;

import java.util.regex.Pattern;

/** The contract's name rules, shared by the HTTP API and DNS. */
public final class Names {
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    private static final Pattern INSTANCE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

    private Names() {
    }

    /** A service name or a tag: one DNS label. */
    public static boolean isLabel(String s) {
        return s != null && s.length() <= 63 && LABEL.matcher(s).matches();
    }

    public static boolean isInstanceId(String s) {
        return s != null && s.length() <= 128 && INSTANCE_ID.matcher(s).matches();
    }
}
