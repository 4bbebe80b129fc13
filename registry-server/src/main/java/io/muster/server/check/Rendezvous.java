package io.muster.server.check;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Rendezvous (highest-random-weight) hashing of instance keys over a set of members: each key goes to the
 * member whose hash with that key is highest. Every member computes the same answer from the same member set,
 * with no coordination; when a member leaves only its keys move (spread over the rest), and a member that joins
 * takes about 1/n of the keys, from everyone.
 *
 * <p>The hash is fixed here (FNV-1a, then a murmur3 finaliser), never {@code String.hashCode} or a seeded hash:
 * members on different JVMs or versions must agree. Immutable and thread-safe.
 */
public final class Rendezvous {
    private final String[] members;
    private final long[] memberHashes;

    private Rendezvous(List<String> members) {
        this.members = members.toArray(String[]::new);
        this.memberHashes = new long[this.members.length];
        for (int i = 0; i < this.members.length; i++) {
            memberHashes[i] = mix(fnv(this.members[i]));
        }
    }

    /** A hashing over these members; order and duplicates do not matter. */
    public static Rendezvous over(Collection<String> members) {
        return new Rendezvous(members.stream().distinct().sorted().toList());
    }

    public List<String> members() {
        return List.of(members);
    }

    /** The member that owns {@code key}; empty only when there are no members. */
    public Optional<String> owner(String key) {
        if (members.length == 0) {
            return Optional.empty();
        }
        long k = fnv(key);
        int best = 0;
        long bestWeight = weight(k, memberHashes[0]);
        for (int i = 1; i < members.length; i++) {
            long w = weight(k, memberHashes[i]);
            // Members are sorted, so a tie (astronomically rare) still resolves the same way everywhere.
            if (Long.compareUnsigned(w, bestWeight) > 0) {
                best = i;
                bestWeight = w;
            }
        }
        return Optional.of(members[best]);
    }

    public boolean owns(String member, String key) {
        return owner(key).filter(member::equals).isPresent();
    }

    private static long weight(long keyHash, long memberHash) {
        return mix(keyHash ^ memberHash);
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** murmur3's fmix64: every input bit affects every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
