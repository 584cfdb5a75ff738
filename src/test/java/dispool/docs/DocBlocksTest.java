package dispool.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marks of the docs' code blocks, checked in the unit suite (DocBlocksIT runs the blocks after
 * package): a shell block nobody marked fails here, naming its file and line.
 */
class DocBlocksTest {

    @TempDir
    Path dir;

    @Test
    void everyDocFileIsWellMarkedAndTheReadmeDefinesApi() throws Exception {
        List<DocBlocks> docs = DocFiles.all(Path.of(""));
        assertTrue(docs.size() >= 7, "README.md and docs/*.md: " + docs.size());
        assertTrue(DocFiles.apiFunction(docs.get(0)).contains("DISPOOL_URL"), "api() takes the URL from DISPOOL_URL");
        assertTrue(docs.get(0).shellBlocks().stream().filter(b -> b.text().contains("api() {")).allMatch(DocBlocks.Block::run),
                "the README's block that defines api() is run: every other run block depends on it");
    }

    @Test
    void marksLanguagesAndLinesAreRead() throws Exception {
        Path md = write("""
                # t
                ```sh run
                echo one
                ```
                - item

                  ```bash skip qubes
                  qvm-ls
                  ```
                ````text
                ```sh
                ````
                """);
        List<DocBlocks.Block> blocks = DocBlocks.read(md).blocks();
        assertEquals(3, blocks.size());
        assertEquals(2, blocks.get(0).line());
        assertTrue(blocks.get(0).run());
        assertEquals("echo one\n", blocks.get(0).text());
        assertEquals(DocBlocks.Skip.QUBES, blocks.get(1).skip());
        assertEquals("qvm-ls\n", blocks.get(1).text());
        assertEquals("text", blocks.get(2).language());
        assertFalse(blocks.get(2).run());
        assertEquals(2, DocBlocks.read(md).shellBlocks().size());
    }

    @Test
    void anUnmarkedShellBlockIsRefusedWithItsPlace() throws Exception {
        Path md = write("x\n\n```sh\nls\n```\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(md));
        assertTrue(e.getMessage().startsWith(md + ":3: "), e.getMessage());
    }

    @Test
    void anUnknownSkipReasonAndAFenceWithoutLanguageAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(write("```sh skip later\nls\n```\n")));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(write("```\nls\n```\n")));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(write("```sh run\nls\n")));
    }

    private Path write(String text) throws Exception {
        Path f = Files.createTempFile(dir, "doc", ".md");
        Files.writeString(f, text);
        return f;
    }
}
