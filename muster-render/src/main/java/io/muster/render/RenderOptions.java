package io.muster.render;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code bin/muster render}.
 *
 * @param templates at least one
 * @param once render every template once, run the commands of those that changed, and exit
 * @param members member base URLs ({@code --addr}, repeatable or comma-separated; else {@code MUSTER_ADDR})
 * @param waitMin the quiet period: a pass runs once no change has arrived for this long...
 * @param waitMax ...or this long after the first change it waits for, whichever is sooner
 */
record RenderOptions(List<TemplateSpec> templates, boolean once, List<String> members, Duration waitMin,
        Duration waitMax) {

    static final String DEFAULT_ADDR = "127.0.0.1:8700";
    static final String DEFAULT_WAIT = "500ms:5s";

    static final String USAGE = """
            usage: bin/muster render --template SRC:DEST[:COMMAND] [--check CMD] [--template ...] [--once]
                                     [--addr HOST:PORT[,...]] [--wait MIN:MAX]
              --template SRC:DEST[:COMMAND]  render SRC into DEST whenever what it shows changes; then run COMMAND
                                             (sh -c), the reload, if DEST's bytes changed
              --check CMD                    for the --template before it: run CMD (sh -c) with the new DEST in place;
                                             if it fails, the previous DEST is put back and nothing is reloaded
                                             (e.g. 'nginx -t -q -c /etc/nginx/nginx.conf', 'haproxy -c -f FILE')
              --once                         render once, run the commands, exit (0: all rendered; 1: one was kept)
              --addr HOST:PORT[,...]         members to ask (default MUSTER_ADDR, else 127.0.0.1:8700)
              --wait MIN:MAX                 quiet period: render MIN after the last change, at most MAX after the
                                             first (default 500ms:5s); a burst of changes gives one reload
            A template is Mustache: {{#service.web}}server {{address}}:{{port}};{{/service.web}} loops over the
            passing instances of 'web' (fields: id address port hostPort weight tags metadata). A template that
            would show a service with no passing instance is not rendered: the last good file stays.
            """;

    /** Thrown for a command line that cannot be run; the message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static RenderOptions parse(List<String> args, Map<String, String> env) throws UsageException {
        List<TemplateSpec> templates = new ArrayList<>();
        boolean once = false;
        List<String> members = new ArrayList<>();
        String wait = DEFAULT_WAIT;
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--once" -> once = true;
                    case "--template" -> templates.add(TemplateSpec.parse(value(args, ++i, arg)));
                    case "--check" -> {
                        String check = value(args, ++i, arg);
                        if (templates.isEmpty()) {
                            throw new UsageException("--check applies to the --template before it; there is none");
                        }
                        TemplateSpec last = templates.remove(templates.size() - 1);
                        if (last.check().isPresent()) {
                            throw new UsageException("--check given twice for " + last.source());
                        }
                        templates.add(last.withCheck(check));
                    }
                    case "--addr" -> members.addAll(split(value(args, ++i, arg)));
                    case "--wait" -> wait = value(args, ++i, arg);
                    default -> throw new UsageException("unknown argument: " + arg);
                }
            }
            if (templates.isEmpty()) {
                throw new UsageException("at least one --template is required");
            }
            if (members.isEmpty()) {
                members.addAll(split(env.getOrDefault("MUSTER_ADDR", DEFAULT_ADDR)));
            }
            String[] bounds = wait.split(":", -1);
            if (bounds.length != 2) {
                throw new UsageException("--wait wants MIN:MAX, such as 500ms:5s; got '" + wait + "'");
            }
            Duration min = GoDuration.parse(bounds[0]);
            Duration max = GoDuration.parse(bounds[1]);
            if (min.compareTo(max) > 0) {
                throw new UsageException("--wait: MIN (" + bounds[0] + ") is longer than MAX (" + bounds[1] + ")");
            }
            return new RenderOptions(List.copyOf(templates), once, List.copyOf(members).stream()
                    .map(RenderOptions::baseUrl).toList(), min, max);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String value(List<String> args, int i, String flag) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code MUSTER_ADDR} is {@code host:port}, as for the other verbs; the client wants a base URL. */
    private static String baseUrl(String member) {
        return member.contains("://") ? member : "http://" + member;
    }
}
