package io.muster.render;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One {@code --template SRC:DEST[:COMMAND]}, with the {@code --check} that followed it.
 *
 * @param source the template file
 * @param destination the file rendered into; replaced atomically, and only when its bytes change
 * @param command run (with {@code sh -c}) after the destination changed and passed its check: the reload
 * @param check run with the new file in place before it is kept; a non-zero exit puts the previous file back
 */
record TemplateSpec(Path source, Path destination, Optional<String> command, Optional<String> check) {

    /** Splits on the first two colons only: a command may hold colons of its own ({@code host:port}). */
    static TemplateSpec parse(String value) {
        int first = value.indexOf(':');
        if (first <= 0) {
            throw new IllegalArgumentException("--template wants SRC:DEST[:COMMAND], got '" + value + "'");
        }
        int second = value.indexOf(':', first + 1);
        String dest = second < 0 ? value.substring(first + 1) : value.substring(first + 1, second);
        if (dest.isEmpty()) {
            throw new IllegalArgumentException("--template wants SRC:DEST[:COMMAND], got '" + value + "' (no DEST)");
        }
        Optional<String> command = second < 0 ? Optional.empty()
                : Optional.of(value.substring(second + 1)).filter(c -> !c.isBlank());
        return new TemplateSpec(Path.of(value.substring(0, first)), Path.of(dest), command, Optional.empty());
    }

    TemplateSpec withCheck(String command) {
        return new TemplateSpec(source, destination, this.command, Optional.of(command));
    }
}
