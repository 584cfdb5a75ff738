package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreloadFeaturesTest {

    @Test
    void acceptsDigitsWithinTheLimit() {
        assertEquals(0, PreloadFeatures.validateMax("web-dvm", "0"));
        assertEquals(2, PreloadFeatures.validateMax("web-dvm", " 2 "));
        assertEquals(100, PreloadFeatures.validateMax("web-dvm", "100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "2.5", "", "101", "99999999999999999999"})
    void refusesAndNamesQubeKnobValueAndRule(String bad) {
        DispoolException e = assertThrows(DispoolException.class, () -> PreloadFeatures.validateMax("web-dvm", bad));
        assertEquals(DispoolException.Kind.INVALID, e.kind());
        assertEquals("max", e.field());
        assertEquals(bad, e.value());
        assertEquals("digits only, from 0 to 100", e.rule());
        // what a user reads names the qube, the feature and the limit (the sentence around them is free)
        for (String named : new String[] {"web-dvm", "preload-dispvm-max", "100"}) {
            assertTrue(e.getMessage().contains(named), named + " in: " + e.getMessage());
        }
    }

    @Test
    void thresholdAndDelayHaveTheirRules() {
        assertEquals(1000, PreloadFeatures.validateThreshold("1000"));
        assertThrows(DispoolException.class, () -> PreloadFeatures.validateThreshold("-5"));
        assertEquals(-1.5, PreloadFeatures.validateDelay("dom0", "-1.5"));
        DispoolException e = assertThrows(DispoolException.class, () -> PreloadFeatures.validateDelay("dom0", "soon"));
        assertEquals(DispoolException.Kind.INVALID, e.kind());
        assertEquals("delay", e.field());
        assertEquals("soon", e.value());
        assertTrue(e.getMessage().contains("preload-dispvm-delay") && e.getMessage().contains("soon"), e.getMessage());
        assertThrows(DispoolException.class, () -> PreloadFeatures.validateDelay("dom0", "NaN"));
    }

    @Test
    void hostValuesAreReadLikeQubesd() {
        assertEquals(0, PreloadFeatures.hostMax(Optional.empty()));
        assertEquals(0, PreloadFeatures.hostMax(Optional.of("")));
        assertEquals(3, PreloadFeatures.hostMax(Optional.of("3")));
        assertEquals(0, PreloadFeatures.hostMax(Optional.of("junk")));
        assertEquals(PreloadFeatures.MAX_LIMIT, PreloadFeatures.hostMax(Optional.of("5000")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1abc", "a b", "default", "sys-net-dm", "abcdefghijabcdefghijabcdefghijab", "-x", ""})
    void refusesNamesBreakingQubesRule(String bad) {
        DispoolException e = assertThrows(DispoolException.class, () -> PreloadFeatures.validateQubeName("template", bad));
        assertEquals("template", e.field());
        assertEquals("Qubes' name rule", e.rule());
    }
}
