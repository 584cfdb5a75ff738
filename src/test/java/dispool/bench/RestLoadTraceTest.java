package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestLoadTraceTest {

    @Test
    void eachHandOutIsALineOfSentReceivedAndTheDisposable(@TempDir Path dir) throws Exception {
        RestLoadTrace trace = new RestLoadTrace();
        trace.add(100, 250, "disp7");
        trace.add(300, 410, "disp9");
        Path file = dir.resolve("trace.txt");
        trace.write(file);
        assertEquals(2, trace.size());
        assertEquals(List.of("100 250 disp7", "300 410 disp9"), Files.readAllLines(file));
    }
}
