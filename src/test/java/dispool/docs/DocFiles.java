package dispool.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Markdown a user reads: README.md, then every docs/**.md in path order. */
final class DocFiles {

    private DocFiles() {
    }

    static List<DocBlocks> all(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files.stream().map(DocFiles::read).toList();
    }

    /**
     * The README's {@code api} shell function, as its reader defines it: every run block is given
     * it, so the blocks reach the service the way the README says.
     */
    static String apiFunction(DocBlocks readme) {
        for (DocBlocks.Block b : readme.shellBlocks()) {
            List<String> lines = b.text().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("api() {")) {
                    return function(lines, i);
                }
            }
        }
        throw new IllegalStateException(readme.file() + " defines no 'api() { ... }' in a shell block; "
                + "the doc test gives every block the README's api function");
    }

    /** A one-line function ends with its line; a longer one at the line that is only its closing brace. */
    private static String function(List<String> lines, int first) {
        if (lines.get(first).stripTrailing().endsWith("}")) {
            return lines.get(first) + "\n";
        }
        StringBuilder f = new StringBuilder();
        for (int j = first; j < lines.size(); j++) {
            f.append(lines.get(j)).append('\n');
            if (lines.get(j).strip().equals("}")) {
                return f.toString();
            }
        }
        throw new IllegalStateException("the README's api() { has no closing '}' line");
    }

    private static DocBlocks read(Path file) {
        try {
            return DocBlocks.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
