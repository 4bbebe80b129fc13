package io.muster.server.check;

/**
 * Makes probe output safe to store: a target controls its response body, so its bytes are untrusted. Notes are
 * cut to {@link CheckSettings#NOTE_LIMIT} characters and keep only printable characters (controls become spaces),
 * so a note can neither bloat the log nor break a terminal or a JSON consumer that mishandles escapes.
 */
final class Notes {
    private Notes() {
    }

    static String clean(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), CheckSettings.NOTE_LIMIT));
        for (int i = 0; i < s.length() && sb.length() < CheckSettings.NOTE_LIMIT; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) || Character.isISOControl(c) || c == '\uFFFD' || !Character.isDefined(c)) {
                c = ' ';
            }
            if (c == ' ' && (sb.isEmpty() || sb.charAt(sb.length() - 1) == ' ')) {
                continue;
            }
            sb.append(c);
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.substring(0, end);
    }

    /** A short description of a failure, without a stack or a class name a user would not recognise. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            m = root.getClass().getSimpleName();
        }
        return m;
    }
}
