package io.muster.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.server.ServerConfig;
import io.muster.store.raft.RaftSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the manifests must agree on with the server and with each other, checked offline: every variable they set
 * is one the server reads, its values pass the server's own parsing ({@link ServerConfig#parse}) for every pod,
 * member ids are the pod names and peers the headless Service's stable names, ports line up from the server's
 * listen addresses to the container, the Services and the probes, the probes ask routes the server declares
 * (and that answer 200 on a running member), the grace period covers a graceful stop, and the rest of issue 16's
 * list (Parallel, PodDisruptionBudget, non-root, requests, volume claims). Each problem is one line naming the file.
 */
final class ManifestChecks {
    /** How long a stopping leader waits to hand leadership over ({@code MusterServer.close}, handOverLeadership). */
    static final Duration HAND_OVER = Duration.ofSeconds(5);
    /** Closing DNS, leases, checks and Raft after the HTTP drain, with room to spare on a loaded node. */
    static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);
    /** Variables the JVM itself reads (the server reads only MUSTER_* ones). */
    static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    /** A bootstrap token that passes the server's check, standing in for a Secret's value. */
    static final String SECRET_PLACEHOLDER = "placeholder-secret-0123456789abcdef";

    /**
     * What the server says about itself.
     *
     * @param getRoutes the paths of GET routes the HTTP API declares (HttpApi's route table)
     * @param statusOf the status a running member answers a GET of a path with
     * @param imageUid the numeric user the image runs as (Dockerfile USER)
     */
    record Server(Set<String> getRoutes, ToIntFunction<String> statusOf, int imageUid) {
        /** Every MUSTER_* variable the server reads: one per flag of ServerConfig.OPTIONS. */
        static Set<String> variables() {
            Set<String> names = new TreeSet<>();
            ServerConfig.OPTIONS.keySet().forEach(flag -> names.add(ServerConfig.envName(flag)));
            return names;
        }
    }

    private final Server server;
    private final List<String> problems = new ArrayList<>();

    private ManifestChecks(Server server) {
        this.server = server;
    }

    static List<String> check(Manifests m, Server server) {
        ManifestChecks c = new ManifestChecks(server);
        c.run(m);
        return c.problems;
    }

    private void problem(Manifests.Doc where, String message) {
        problems.add(where.file() + ": " + message);
    }

    private void run(Manifests m) {
        kustomization(m);
        for (Manifests.Doc d : m.resources()) {
            if (d.name().isEmpty()) {
                problem(d, d.kind() + " without metadata.name");
            }
        }
        List<Manifests.Doc> sets = m.ofKind("StatefulSet");
        if (sets.size() != 1) {
            problems.add("expected one StatefulSet, found " + sets.size());
            return;
        }
        Manifests.Doc sts = sets.get(0);
        JsonNode spec = sts.node().path("spec");
        JsonNode pod = spec.path("template").path("spec");
        Map<String, String> podLabels = strings(spec.path("template").path("metadata").path("labels"));
        JsonNode container = container(sts, pod);
        if (container == null) {
            return;
        }
        int replicas = spec.path("replicas").asInt(1);
        String serviceName = spec.path("serviceName").asText();

        if (!"Parallel".equals(spec.path("podManagementPolicy").asText())) {
            problem(sts, "podManagementPolicy must be Parallel: with OrderedReady the first pod waits for a readiness it "
                    + "cannot reach without a quorum, and the others are never created");
        }
        String strategy = spec.path("updateStrategy").path("type").asText("RollingUpdate");
        if (!strategy.equals("RollingUpdate")) {
            problem(sts, "updateStrategy must be RollingUpdate (one pod at a time, waiting for readiness), not " + strategy);
        }
        if (!matches(strings(spec.path("selector").path("matchLabels")), podLabels)) {
            problem(sts, "spec.selector.matchLabels must be non-empty and match the pod template's labels");
        }
        if (pod.path("enableServiceLinks").asBoolean(true)) {
            problem(sts, "enableServiceLinks must be false: Service links put {SERVICE}_* variables, MUSTER_* ones for a "
                    + "Service named muster, into the container");
        }
        Set<String> claims = new HashSet<>();
        for (JsonNode t : spec.path("volumeClaimTemplates")) {
            claims.add(t.path("metadata").path("name").asText());
            if (t.path("spec").path("resources").path("requests").path("storage").isMissingNode()) {
                problem(sts, "volumeClaimTemplate " + t.path("metadata").path("name").asText() + " requests no storage");
            }
        }
        if (claims.isEmpty()) {
            problem(sts, "no volumeClaimTemplates: a member's data directory must outlive its pod");
        }
        security(sts, pod, container);
        JsonNode requests = container.path("resources").path("requests");
        if (requests.path("cpu").isMissingNode() || requests.path("memory").isMissingNode()) {
            problem(sts, "the container must request cpu and memory");
        }

        // Every pod, as the kubelet would start it.
        ServerConfig first = null;
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            String podName = sts.name() + "-" + ordinal;
            Optional<Map<String, String>> env = environment(m, sts, container, podName, ordinal);
            if (env.isEmpty()) {
                return;
            }
            ServerConfig config;
            try {
                config = ServerConfig.parse(List.of(), env.get());
            } catch (IllegalArgumentException e) {
                problem(sts, "pod " + podName + ": the server refuses its configuration: " + e.getMessage());
                return;
            }
            member(sts, container, config, podName, replicas, serviceName, claims);
            if (first == null) {
                first = config;
            }
        }
        if (first == null) {
            problem(sts, "replicas must be at least 1");
            return;
        }
        probes(sts, container, first);
        stopping(sts, pod, container, first);
        services(m, sts, container, podLabels, serviceName, first);
        disruptionBudget(m, podLabels);
    }

    private void kustomization(Manifests m) {
        Manifests.Doc k;
        try {
            k = m.kustomization();
        } catch (RuntimeException e) {
            problems.add("no " + Manifests.KUSTOMIZATION + ": `kubectl apply -k` needs it");
            return;
        }
        if (!"kustomize.config.k8s.io/v1beta1".equals(k.node().path("apiVersion").asText())
                || !"Kustomization".equals(k.kind())) {
            problem(k, "must be apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization");
        }
        Set<String> listed = new TreeSet<>();
        k.node().path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = new TreeSet<>(m.files());
        present.remove(Manifests.KUSTOMIZATION);
        if (!listed.equals(present)) {
            problem(k, "resources " + listed + " must be exactly the manifest files " + present);
        }
    }

    private JsonNode container(Manifests.Doc sts, JsonNode pod) {
        JsonNode containers = pod.path("containers");
        if (containers.size() != 1) {
            problem(sts, "expected one container (the member), found " + containers.size());
            return null;
        }
        return containers.get(0);
    }

    private void security(Manifests.Doc sts, JsonNode pod, JsonNode container) {
        JsonNode podSec = pod.path("securityContext");
        JsonNode sec = container.path("securityContext");
        boolean nonRoot = sec.path("runAsNonRoot").asBoolean(podSec.path("runAsNonRoot").asBoolean(false));
        if (!nonRoot) {
            problem(sts, "runAsNonRoot must be true");
        }
        JsonNode uid = sec.has("runAsUser") ? sec.path("runAsUser") : podSec.path("runAsUser");
        if (!uid.canConvertToInt() || uid.asInt() == 0) {
            problem(sts, "runAsUser must be a numeric non-root user");
        } else if (uid.asInt() != server.imageUid()) {
            problem(sts, "runAsUser " + uid.asInt() + " is not the image's user " + server.imageUid() + " (Dockerfile USER)");
        }
        if (sec.path("allowPrivilegeEscalation").asBoolean(true)) {
            problem(sts, "allowPrivilegeEscalation must be false");
        }
    }

    /** The container's environment in pod {@code podName}, resolved as the kubelet does, or empty after a problem. */
    private Optional<Map<String, String>> environment(Manifests m, Manifests.Doc sts, JsonNode container, String podName, int ordinal) {
        Map<String, String> env = new LinkedHashMap<>();
        boolean ok = true;
        for (JsonNode from : container.path("envFrom")) {
            String prefix = from.path("prefix").asText("");
            if (from.has("configMapRef")) {
                String name = from.path("configMapRef").path("name").asText();
                Optional<Manifests.Doc> cm = m.ofKind("ConfigMap").stream().filter(d -> d.name().equals(name)).findFirst();
                if (cm.isEmpty()) {
                    problem(sts, "envFrom names ConfigMap " + name + ", which no manifest defines");
                    ok = false;
                    continue;
                }
                strings(cm.get().node().path("data")).forEach((k, v) -> env.put(prefix + k, v));
            } else {
                problem(sts, "envFrom " + from + ": only configMapRef can be checked offline");
                ok = false;
            }
        }
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            JsonNode from = e.path("valueFrom");
            String value;
            if (from.isMissingNode()) {
                value = expand(e.path("value").asText(""), env);
            } else if (from.has("fieldRef")) {
                String field = from.path("fieldRef").path("fieldPath").asText();
                value = switch (field) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> "default";
                    case "status.podIP" -> "10.0.0." + (ordinal + 1);
                    default -> null;
                };
                if (value == null) {
                    problem(sts, "env " + name + ": fieldRef " + field + " is not one this check knows");
                    ok = false;
                    continue;
                }
            } else if (from.has("secretKeyRef")) {
                value = SECRET_PLACEHOLDER;
            } else if (from.has("configMapKeyRef")) {
                String cmName = from.path("configMapKeyRef").path("name").asText();
                String key = from.path("configMapKeyRef").path("key").asText();
                value = m.ofKind("ConfigMap").stream().filter(d -> d.name().equals(cmName))
                        .map(d -> d.node().path("data").path(key)).filter(JsonNode::isTextual).map(JsonNode::asText)
                        .findFirst().orElse(null);
                if (value == null) {
                    problem(sts, "env " + name + ": no key " + key + " in ConfigMap " + cmName);
                    ok = false;
                    continue;
                }
            } else {
                problem(sts, "env " + name + ": valueFrom " + from + " is not one this check knows");
                ok = false;
                continue;
            }
            env.put(name, value);
        }
        Set<String> known = Server.variables();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!known.contains(name) && !JVM_VARIABLES.contains(name)) {
                problem(sts, "unknown environment variable " + name + ": the server reads no such variable"
                        + (name.startsWith("MUSTER_") ? " (its flags are ServerConfig.OPTIONS)" : ""));
                ok = false;
            }
            if (e.getValue().contains("$(")) {
                problem(sts, "env " + name + " = " + e.getValue() + " refers to a variable not defined before it");
                ok = false;
            }
        }
        return ok ? Optional.of(env) : Optional.empty();
    }

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    /** Kubernetes' $(VAR) expansion: defined variables are replaced, $$ is a literal $, anything else stays as written. */
    static String expand(String value, Map<String, String> defined) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group().equals("$$") ? "$" : defined.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void member(Manifests.Doc sts, JsonNode container, ServerConfig config, String podName, int replicas,
            String serviceName, Set<String> claims) {
        String who = "pod " + podName + ": ";
        if (!config.id().equals(podName)) {
            problem(sts, who + "member id " + config.id() + " must be the pod's name (MUSTER_ID from metadata.name)");
        }
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < replicas; i++) {
            expected.add(sts.name() + "-" + i);
        }
        Set<String> ids = new TreeSet<>();
        for (RaftSettings.Peer p : config.peers()) {
            ids.add(p.id());
            int colon = p.raftAddress().lastIndexOf(':');
            String host = p.raftAddress().substring(0, colon);
            if (!stableName(host, p.id(), serviceName)) {
                problem(sts, who + "peer " + p.id() + " at " + p.raftAddress() + ": its host must be its stable name "
                        + p.id() + "." + serviceName + " (the headless Service)");
            }
            if (!p.raftAddress().substring(colon + 1).equals(String.valueOf(config.raft().port()))) {
                problem(sts, who + "peer " + p.id() + " at " + p.raftAddress() + " is not on the Raft port " + config.raft().port());
            }
        }
        if (!ids.equals(expected)) {
            problem(sts, who + "initial members " + ids + " must be the pods of " + replicas + " replicas " + expected);
        }
        if (!containerPort(container, config.http().port(), "TCP")) {
            problem(sts, who + "no TCP containerPort " + config.http().port() + " for the HTTP API (" + config.http() + ")");
        }
        if (!containerPort(container, config.raft().port(), "TCP")) {
            problem(sts, who + "no TCP containerPort " + config.raft().port() + " for Raft (" + config.raft() + ")");
        }
        if (config.dns().port() != 0 && !(containerPort(container, config.dns().port(), "UDP")
                && containerPort(container, config.dns().port(), "TCP"))) {
            problem(sts, who + "DNS (" + config.dns() + ") needs a UDP and a TCP containerPort " + config.dns().port());
        }
        String advertised = config.advertiseHttp();
        int colon = advertised.lastIndexOf(':');
        if (colon <= 0 || !stableName(advertised.substring(0, colon), podName, serviceName)
                || !advertised.substring(colon + 1).equals(String.valueOf(config.http().port()))) {
            problem(sts, who + "advertised HTTP address " + advertised + " must be " + podName + "." + serviceName + ":"
                    + config.http().port());
        }
        boolean onClaim = false;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (claims.contains(mount.path("name").asText())
                    && config.dataDir().normalize().startsWith(Path.of(mount.path("mountPath").asText()).normalize())) {
                onClaim = true;
            }
        }
        if (!onClaim) {
            problem(sts, who + "data directory " + config.dataDir() + " is on no volume from volumeClaimTemplates");
        }
    }

    /** The pod's name under the headless Service, short (namespace from the search path) or qualified. */
    private static boolean stableName(String host, String pod, String serviceName) {
        String name = pod + "." + serviceName;
        return host.equals(name) || host.startsWith(name + ".");
    }

    private static boolean containerPort(JsonNode container, int port, String protocol) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("containerPort").asInt() == port && p.path("protocol").asText("TCP").equals(protocol)) {
                return true;
            }
        }
        return false;
    }

    /** The container port a probe or Service names (by name or number), or -1. */
    private static int resolvePort(JsonNode container, JsonNode port, IntUnaryOperator numeric) {
        if (port.isInt()) {
            return numeric.applyAsInt(port.asInt());
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }

    private void probes(Manifests.Doc sts, JsonNode container, ServerConfig config) {
        probe(sts, container, config, "readinessProbe", "/health/ready", true);
        probe(sts, container, config, "livenessProbe", "/health/live", true);
        probe(sts, container, config, "startupProbe", "/health/live", false);
    }

    private void probe(Manifests.Doc sts, JsonNode container, ServerConfig config, String which, String expected, boolean required) {
        JsonNode probe = container.path(which);
        if (probe.isMissingNode()) {
            if (required) {
                problem(sts, "no " + which + " (it must ask " + expected + ")");
            }
            return;
        }
        JsonNode get = probe.path("httpGet");
        if (get.isMissingNode()) {
            problem(sts, which + " must be an httpGet of " + expected);
            return;
        }
        String path = get.path("path").asText("/");
        if (!server.getRoutes().contains(path)) {
            problem(sts, which + " asks " + path + ", which is no GET route of the server (HttpApi)");
        } else {
            int status = server.statusOf().applyAsInt(path);
            if (status != 200) {
                problem(sts, which + " asks " + path + ", which a running member answers " + status);
            }
        }
        if (!path.equals(expected)) {
            problem(sts, which + " must ask " + expected + ", not " + path
                    + (which.equals("readinessProbe") ? "" : ": a member without a leader must not be restarted for it"));
        }
        int port = resolvePort(container, get.path("port"), p -> p);
        if (port != config.http().port()) {
            problem(sts, which + " port " + get.path("port").asText() + " is not the HTTP API's port " + config.http().port());
        }
        String scheme = get.path("scheme").asText("HTTP");
        String wanted = config.httpTls().isPresent() ? "HTTPS" : "HTTP";
        if (!scheme.equals(wanted)) {
            problem(sts, which + " scheme " + scheme + " but the API serves " + wanted);
        }
    }

    private void stopping(Manifests.Doc sts, JsonNode pod, JsonNode container, ServerConfig config) {
        JsonNode preStop = container.path("lifecycle").path("preStop");
        long preStopSeconds = 0;
        if (preStop.isMissingNode()) {
            problem(sts, "no preStop hook: the pod would start refusing before it left the client Service's endpoints");
        } else if (preStop.has("exec")) {
            JsonNode cmd = preStop.path("exec").path("command");
            if (cmd.size() == 2 && cmd.get(0).asText().equals("sleep") && cmd.get(1).asText().matches("[0-9]+")) {
                preStopSeconds = Long.parseLong(cmd.get(1).asText());
            } else {
                problem(sts, "preStop exec " + cmd + ": expected [\"sleep\", SECONDS]");
            }
        } else if (preStop.has("sleep")) {
            preStopSeconds = preStop.path("sleep").path("seconds").asLong();
        }
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        Duration needed = Duration.ofSeconds(preStopSeconds).plus(HAND_OVER).plus(config.shutdownTimeout()).plus(CLOSE_MARGIN);
        if (grace < needed.toSeconds()) {
            problem(sts, "terminationGracePeriodSeconds " + grace + " must cover preStop (" + preStopSeconds + " s), the "
                    + "leadership hand-over (" + HAND_OVER.toSeconds() + " s), --shutdown-timeout (" + config.shutdownTimeout().toSeconds()
                    + " s) and closing (" + CLOSE_MARGIN.toSeconds() + " s): at least " + needed.toSeconds());
        }
    }

    private void services(Manifests m, Manifests.Doc sts, JsonNode container, Map<String, String> podLabels, String serviceName,
            ServerConfig config) {
        Optional<Manifests.Doc> headless = m.ofKind("Service").stream().filter(d -> d.name().equals(serviceName)).findFirst();
        if (headless.isEmpty()) {
            problem(sts, "serviceName " + serviceName + " names no Service");
        } else {
            JsonNode spec = headless.get().node().path("spec");
            if (!"None".equals(spec.path("clusterIP").asText())) {
                problem(headless.get(), "the StatefulSet's Service must be headless (clusterIP: None) for stable pod names");
            }
            if (!spec.path("publishNotReadyAddresses").asBoolean(false)) {
                problem(headless.get(), "publishNotReadyAddresses must be true: members are not ready until they reach "
                        + "each other, through these names");
            }
            if (!servesPort(container, spec, config.raft().port(), "TCP")) {
                problem(headless.get(), "the headless Service must carry the Raft port " + config.raft().port());
            }
        }
        boolean client = false;
        for (Manifests.Doc svc : m.ofKind("Service")) {
            JsonNode spec = svc.node().path("spec");
            if (!matches(strings(spec.path("selector")), podLabels)) {
                problem(svc, "selector must be non-empty and match the StatefulSet's pod labels");
            }
            for (JsonNode p : spec.path("ports")) {
                JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
                String protocol = p.path("protocol").asText("TCP");
                int port = resolvePort(container, target, n -> n);
                if (port < 0 || !containerPort(container, port, protocol)) {
                    problem(svc, "port " + p.path("name").asText(p.path("port").asText()) + ": targetPort " + target.asText()
                            + " is no " + protocol + " port of the container");
                }
            }
            if (!"None".equals(spec.path("clusterIP").asText())) {
                client |= servesPort(container, spec, config.http().port(), "TCP")
                        && (config.dns().port() == 0 || servesPort(container, spec, config.dns().port(), "UDP")
                        && servesPort(container, spec, config.dns().port(), "TCP"));
            }
        }
        if (!client) {
            problems.add("no client Service (not headless) carrying the HTTP API (TCP " + config.http().port()
                    + ") and DNS (UDP and TCP " + config.dns().port() + ")");
        }
    }

    private static boolean servesPort(JsonNode container, JsonNode serviceSpec, int containerPort, String protocol) {
        for (JsonNode p : serviceSpec.path("ports")) {
            JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
            if (p.path("protocol").asText("TCP").equals(protocol) && resolvePort(container, target, n -> n) == containerPort) {
                return true;
            }
        }
        return false;
    }

    private void disruptionBudget(Manifests m, Map<String, String> podLabels) {
        List<Manifests.Doc> pdbs = m.ofKind("PodDisruptionBudget");
        if (pdbs.size() != 1) {
            problems.add("expected one PodDisruptionBudget, found " + pdbs.size());
            return;
        }
        Manifests.Doc pdb = pdbs.get(0);
        JsonNode spec = pdb.node().path("spec");
        if (!spec.path("maxUnavailable").isInt() || spec.path("maxUnavailable").asInt() != 1 || spec.has("minAvailable")) {
            problem(pdb, "maxUnavailable must be 1 (and no minAvailable): a majority of three survives one member down");
        }
        if (!matches(strings(spec.path("selector").path("matchLabels")), podLabels)) {
            problem(pdb, "selector.matchLabels must be non-empty and match the StatefulSet's pod labels");
        }
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
