package dispool.emulator.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.pool.Fingerprint;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each side keeps one list of the properties a preload may differ in (Qubes'
 * {@code PRELOAD_OUTDATED_IGNORED_PROPERTIES}): the reference's, read from upstream, and dispool's.
 * They are two on purpose, so the differential compares two readings; this holds them equal.
 */
class IgnoredPropertiesTest {

    @Test
    void dispoolIgnoresTheSamePropertiesAsTheReference() {
        assertEquals(new TreeSet<>(DispVm.OUTDATED_IGNORED_PROPERTIES), new TreeSet<>(Fingerprint.IGNORED),
                "update both lists from qubes/vm/dispvm.py");
    }

    /** The one difference: dispool compares a DVM template with itself over time, where another TemplateVM counts. */
    @Test
    void dispoolKeepsTemplateOnlyForTheDvmTemplateItself() {
        assertTrue(DispVm.OUTDATED_IGNORED_PROPERTIES.contains("template"));
        assertFalse(Fingerprint.isIgnored("template"));
        assertTrue(Fingerprint.isIgnored("default_dispvm"));
    }
}
