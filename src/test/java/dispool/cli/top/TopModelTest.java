package dispool.cli.top;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/**
 * {@code dispool top}'s model and screen without a terminal: pools JSON and events in, rows and
 * screen lines out, as the service sends them ({@code GET /api/v1/pools}, {@code /events}).
 */
class TopModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    private static JsonNode pools() throws Exception {
        return json("[{'template':'web-dvm','max':3,'maxSource':'LOCAL','thresholdMiB':1000,'memoryMiB':400,"
                + "'preloads':[{'name':'disp2','state':'READY'},{'name':'disp3','state':'STARTING'}],'ready':1,'starting':1,"
                + "'admission':{'availableMiB':9000},'policy':'qubes','decision':null,'failures':0},"
                + "{'template':'default-dvm','max':2,'maxSource':'GLOBAL','thresholdMiB':1000,'memoryMiB':400,"
                + "'preloads':[],'ready':2,'starting':0,'admission':{},'policy':'adaptive','decision':'want 2',"
                + "'lastFailure':'disp9: start failed','failures':2,'retryInMs':4000}]");
    }

    private static JsonNode handedOut(String template, String qube, long at, boolean preloaded, double ms) throws Exception {
        return json("{'type':'HANDED_OUT','template':'" + template + "','qube':'" + qube + "','reason':'r','atMillis':" + at
                + ",'data':{'preloaded':" + preloaded + ",'usableAfterMs':" + ms + "}}");
    }

    @Test
    void rowsCarryTheMaxItsSourceTheBarAndTheMemory() throws Exception {
        TopModel m = new TopModel();
        m.pools(pools());
        m.advised("web-dvm", 5);
        List<TopModel.Row> rows = m.rows(0);
        assertEquals(List.of("default-dvm", "web-dvm"), rows.stream().map(TopModel.Row::template).toList());
        TopModel.Row web = rows.get(1);
        assertEquals(3, web.max());
        assertEquals("LOCAL", web.maxSource());
        assertEquals(1, web.handedOut(), "max 3, one ready, one starting: one slot handed out");
        assertEquals(800, web.heldMiB());
        assertEquals(9000L, web.availableMiB());
        assertEquals(5, web.advisedMax());
        assertNull(rows.get(0).availableMiB(), "no figure: unknown, not 0");
        assertTrue(rows.get(0).problem().contains("2 failures, retry in 4 s: disp9: start failed"), rows.get(0).problem());
    }

    @Test
    void handOutsCountPerWindowAndServedAsTheAdviceCountsThem() throws Exception {
        TopModel m = new TopModel();
        m.pools(pools());
        m.event(handedOut("web-dvm", "disp2", 1_000, true, 20)); // ready
        m.event(handedOut("web-dvm", "disp3", 2_000, true, 900)); // was starting: waited
        m.event(handedOut("web-dvm", "disp7", 100_000, false, 7_000)); // cold
        m.event(json("{'type':'PRELOAD_STARTED','template':'web-dvm','qube':'disp8','atMillis':100500}"));
        m.event(json("{'type':'PRELOAD_READY','template':'web-dvm','qube':'disp8','atMillis':101000}"));
        m.event(handedOut("web-dvm", "disp8", 110_000, true, 15)); // ready again
        TopModel.Row web = m.rows(120_000).get(1);
        assertEquals(2, web.lastMinute());
        assertEquals(4, web.lastHour());
        assertArrayEquals(new int[] {2, 1, 1}, web.served());
        assertEquals(List.of(20.0, 900.0, 7_000.0, 15.0), web.usableMs());
        assertEquals(0, m.rows(120_000 + TopModel.HOUR_MS).get(1).lastHour(), "an hour later they have aged out");
        assertEquals("HANDED_OUT", m.recentEvents().get(0).type(), "newest first");
    }

    @Test
    void selectionMovesWithinTheListAndSortingByHandOutsPutsTheBusiestFirst() throws Exception {
        TopModel m = new TopModel();
        m.pools(pools());
        assertEquals("default-dvm", m.selected());
        m.move(1);
        m.move(1);
        assertEquals("web-dvm", m.selected(), "stays on the last");
        assertEquals(3, m.selectedMax());
        m.event(handedOut("web-dvm", "disp2", 1_000, true, 20));
        m.nextSort();
        assertEquals(TopModel.Sort.HAND_OUTS, m.sort());
        assertEquals("web-dvm", m.rows(2_000).get(0).template());
    }

    @Test
    void theScreenFitsEightyByTwentyFourAndSaysTheSameWithoutColour() throws Exception {
        TopModel m = new TopModel();
        m.pools(pools());
        m.advised("web-dvm", 5);
        m.event(handedOut("web-dvm", "disp2", 1_000, true, 20));
        TopScreen.Frame f = new TopScreen.Frame("unix socket /run/dispool/dispool.sock", "web-dvm: preload-dispvm-max 3 → 4?",
                List.of(0L));
        List<AttributedString> colour = new TopScreen(true).draw(m, 2_000, f, 80, 24);
        List<AttributedString> mono = new TopScreen(false).draw(m, 2_000, f, 80, 24);
        assertTrue(colour.size() <= 24 && colour.stream().allMatch(l -> l.columnLength() <= 80));
        assertEquals(colour.stream().map(AttributedString::toString).toList(),
                mono.stream().map(AttributedString::toString).toList(), "the same characters with and without colour");
        String screen = String.join("\n", mono.stream().map(AttributedString::toString).toList());
        assertTrue(screen.contains("max 3 (template)  advised 5"), screen);
        assertTrue(screen.contains("max 2 (dom0)"), screen);
        assertTrue(screen.contains("[█▒░] 1 ready 1 starting 1 handed out"), screen);
        assertTrue(screen.contains("800 MiB held by preloads, 9000 MiB available, threshold 1000 MiB"), screen);
        assertTrue(screen.contains("hand-outs 1 min 1, 1 h 1: 100% ready 0% waited 0% cold"), screen);
        assertTrue(screen.contains("web-dvm: preload-dispvm-max 3 → 4?"), screen);
        assertTrue(screen.contains("HANDED_OUT web-dvm disp2"), screen);
        String wide = String.join("\n", new TopScreen(false).draw(m, 2_000, f, 200, 60).stream()
                .map(AttributedString::toString).toList());
        assertTrue(wide.contains("adaptive: want 2"), "a wider screen shows more of each line:\n" + wide);
    }

    @Test
    void theSparklineSpansTheRangeOfTheTimesShown() {
        assertEquals("▁█▅", TopScreen.spark(List.of(10.0, 30.0, 20.0)));
        assertEquals("▁▁", TopScreen.spark(List.of(5.0, 5.0)));
    }
}
