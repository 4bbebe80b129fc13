package io.muster.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.client.Endpoint;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON file per view (service and tag set) holding its last accepted endpoints. Written to a temporary file
 * and moved into place, so a crash mid-write leaves the previous file, never a torn one. A file that cannot be
 * read is logged and ignored: the cache is a fallback, never a reason for a view to fail.
 */
final class EndpointCache {

    private static final Logger log = LoggerFactory.getLogger(EndpointCache.class);
    private static final int FORMAT = 1;

    /** What a previous run saved. */
    record Entry(List<Endpoint> endpoints, Instant savedAt) {
    }

    private final Path directory;

    EndpointCache(Path directory) {
        this.directory = directory;
    }

    /** Tags are DNS labels, so neither '~' nor '+' can collide with a name. */
    Path fileFor(String service, Set<String> tags) {
        String suffix = tags.isEmpty() ? "" : "~" + String.join("+", new TreeSet<>(tags));
        return directory.resolve(service + suffix + ".json");
    }

    Optional<Entry> load(String service, Set<String> tags) {
        Path file = fileFor(service, tags);
        try {
            JsonNode root = WireFormat.readTree(Files.readAllBytes(file));
            if (root.path("format").asInt() != FORMAT || !service.equals(root.path("service").asText())) {
                log.warn("Ignoring endpoint cache {}: not a format-{} file for service '{}'", file, FORMAT, service);
                return Optional.empty();
            }
            List<Endpoint> endpoints = WireFormat.parseEndpoints(root.path("endpoints"));
            Instant savedAt = Instant.parse(root.path("savedAt").asText());
            return Optional.of(new Entry(endpoints, savedAt));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            log.warn("Ignoring unreadable endpoint cache {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    void store(String service, Set<String> tags, List<Endpoint> endpoints, long index, Instant savedAt) {
        Path file = fileFor(service, tags);
        ObjectNode root = WireFormat.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("service", service);
        ArrayNode tagArray = root.putArray("tags");
        new TreeSet<>(tags).forEach(tagArray::add);
        root.put("index", index);
        root.put("savedAt", savedAt.toString());
        ArrayNode array = root.putArray("endpoints");
        endpoints.forEach(e -> array.add(WireFormat.endpointNode(e)));
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            Files.write(temp, WireFormat.write(root));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("Could not write endpoint cache {}: {}", file, e.toString());
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Nothing more to do: a stray temp file is harmless.
                }
            }
        }
    }
}
