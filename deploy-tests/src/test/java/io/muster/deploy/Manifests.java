package io.muster.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The YAML documents of a manifest directory (deploy/kubernetes/), parsed; {@link #copy()} for tests that break one. */
final class Manifests {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String KUSTOMIZATION = "kustomization.yaml";

    /** One YAML document of one file. */
    record Doc(String file, ObjectNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + " (" + kind() + " " + name() + ")";
        }
    }

    private final List<Doc> docs;
    private final List<String> files;

    private Manifests(List<Doc> docs, List<String> files) {
        this.docs = docs;
        this.files = files;
    }

    /** Every *.yaml / *.yml file of the directory, each document of each. @throws IOException on YAML that does not parse */
    static Manifests load(Path dir) throws IOException {
        List<Doc> docs = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<Path> paths;
        try (Stream<Path> s = Files.list(dir)) {
            paths = s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
        }
        for (Path p : paths) {
            String file = p.getFileName().toString();
            files.add(file);
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(p.toFile())) {
                while (it.hasNext()) {
                    JsonNode n = it.next();
                    if (n == null || n.isMissingNode() || n.isNull()) {
                        continue; // an empty document (a trailing ---)
                    }
                    if (!n.isObject()) {
                        throw new IOException(file + ": a document that is not a mapping");
                    }
                    docs.add(new Doc(file, (ObjectNode) n));
                }
            }
        }
        return new Manifests(docs, files);
    }

    /** A deep copy, to change without touching this one. */
    Manifests copy() {
        return new Manifests(docs.stream().map(d -> new Doc(d.file(), d.node().deepCopy())).toList(), List.copyOf(files));
    }

    List<Doc> docs() {
        return docs;
    }

    /** File names, kustomization.yaml included. */
    List<String> files() {
        return files;
    }

    /** Kubernetes objects: every document but the kustomization. */
    List<Doc> resources() {
        return docs.stream().filter(d -> !d.file().equals(KUSTOMIZATION)).toList();
    }

    List<Doc> ofKind(String kind) {
        return resources().stream().filter(d -> d.kind().equals(kind)).toList();
    }

    Doc get(String kind, String name) {
        return ofKind(kind).stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + kind + " " + name));
    }

    Doc kustomization() {
        return docs.stream().filter(d -> d.file().equals(KUSTOMIZATION)).findFirst()
                .orElseThrow(() -> new UncheckedIOException(new IOException("no " + KUSTOMIZATION)));
    }
}
