package io.muster.store.command;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.muster.store.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Wire format of a log entry: {@code [version byte][8-byte leader time][JSON array of commands]}.
 * The time sits in a fixed slot so the leader can stamp it without parsing the commands again.
 * Version 2 has the same layout and adds the ACL commands ({@link Command.AclChange}); an entry without them is
 * still written as version 1, so members of the previous release keep reading it during a rolling upgrade, and
 * one that meets a version 2 entry stops with a clear message instead of a parse error. An unknown version fails
 * loudly rather than applying garbage.
 */
public final class EntryCodec {
    public static final byte VERSION = 2;
    private static final byte FIRST_VERSION = 1;
    private static final int HEADER = 9;
    private static final TypeReference<List<Command>> COMMANDS = new TypeReference<>() {
    };
    /** Built once, not per entry (every member decodes every entry): resolving the type per call costs a lookup. */
    private static final ObjectReader READER = Json.mapper().readerFor(COMMANDS);
    private static final ObjectWriter WRITER = Json.mapper().writerFor(COMMANDS);

    private EntryCodec() {
    }

    public static byte[] encode(Entry entry) {
        try {
            byte[] json = WRITER.writeValueAsBytes(entry.commands());
            ByteBuffer buf = ByteBuffer.allocate(HEADER + json.length);
            byte version = entry.commands().stream().anyMatch(c -> c instanceof Command.AclChange) ? VERSION : FIRST_VERSION;
            buf.put(version).putLong(entry.time()).put(json);
            return buf.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Entry decode(byte[] bytes) {
        if (bytes.length < HEADER || !known(bytes[0])) {
            throw new IllegalArgumentException("unknown log entry format (" + bytes.length + " bytes, version "
                    + (bytes.length > 0 ? bytes[0] : -1) + ")");
        }
        long time = ByteBuffer.wrap(bytes, 1, 8).getLong();
        try {
            List<Command> commands = READER.readValue(bytes, HEADER, bytes.length - HEADER);
            // JSON null, as the whole list or one element, parses without error but is no command.
            if (commands == null || commands.contains(null)) {
                throw new IllegalArgumentException("corrupt log entry: null where a command was expected");
            }
            return new Entry(time, commands);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt log entry: " + e.getMessage(), e);
        }
    }

    /** Returns a copy of {@code bytes} with the leader's time in the time slot. */
    public static byte[] stamp(byte[] bytes, long time) {
        if (bytes.length < HEADER || !known(bytes[0])) {
            throw new IllegalArgumentException("unknown log entry format");
        }
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy, 1, 8).putLong(time);
        return copy;
    }

    private static boolean known(byte version) {
        return version >= FIRST_VERSION && version <= VERSION;
    }
}
