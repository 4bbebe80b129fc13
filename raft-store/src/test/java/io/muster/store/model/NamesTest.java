package io.muster.store.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's name rules: service names and tags are DNS labels; instance ids are a wider set. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"web", "a", "0", "web-api", "a-b-c", "1web", "web1", "x--y", "s3"})
    void acceptsDnsLabels(String name) {
        assertTrue(Names.isLabel(name), name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-web", "web-", "-", "Web", "WEB", "web_api", "web.api", "web api", "wéb", "web/api", " web",
        "web\n", "*"})
    void refusesWhatIsNotADnsLabel(String name) {
        assertFalse(Names.isLabel(name), String.valueOf(name));
    }

    @Test
    void labelMayBe63CharactersButNot64() {
        assertTrue(Names.isLabel("a".repeat(63)));
        assertTrue(Names.isLabel("a" + "-".repeat(61) + "b"));
        assertFalse(Names.isLabel("a".repeat(64)));
        assertFalse(Names.isLabel("a" + "-".repeat(62) + "b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"web-1", "A", "9", "Web-1", "web_1", "web.1", "10.0.0.1:8080", "pod-7d9f_x.y:z", "a-", "a.",
        "a:", "a_"})
    void acceptsInstanceIds(String id) {
        assertTrue(Names.isInstanceId(id), id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-web", ".web", "_web", ":web", "web/1", "web 1", "web@1", "wéb", "web\t", "web\n", "web%2F1"})
    void refusesWhatIsNotAnInstanceId(String id) {
        assertFalse(Names.isInstanceId(id), String.valueOf(id));
    }

    @Test
    void instanceIdMayBe128CharactersButNot129() {
        assertTrue(Names.isInstanceId("A".repeat(128)));
        assertTrue(Names.isInstanceId("a" + ".".repeat(127)));
        assertFalse(Names.isInstanceId("A".repeat(129)));
    }

    @Test
    void slashCannotAppearInEitherNameSoRenewalKeysAreUnambiguous() {
        // Catalog.key joins service and id with '/'; neither rule may admit it.
        assertFalse(Names.isLabel("a/b"));
        assertFalse(Names.isInstanceId("a/b"));
    }
}
