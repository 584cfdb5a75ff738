package dispool.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which events a reaction's prefix matches: the event itself and its {@code :argument} forms, nothing longer. */
class HostEventTest {

    private static HostEvent named(String name) {
        return HostEvent.of("disp12", name);
    }

    @Test
    void matchesTheEventAndItsArgumentForms() {
        assertTrue(named("domain-feature-set").is("domain-feature-set"));
        assertTrue(named("domain-feature-set:preload-dispvm-max").is("domain-feature-set"));
        assertTrue(named("domain-feature-set:").is("domain-feature-set"));
    }

    @Test
    void refusesLongerNamesAndOtherEvents() {
        assertFalse(named("domain-feature-setting").is("domain-feature-set"));
        assertFalse(named("domain-feature-delete:preload-dispvm-max").is("domain-feature-set"));
        assertFalse(named("domain-feature").is("domain-feature-set"));
        assertFalse(named("").is("domain-start"));
        assertTrue(named("").is(""));
    }
}
