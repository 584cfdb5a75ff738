package dispool.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a Markdown file, with the mark that says whether the doc test runs
 * them (docs/contributing.md gives the rules). Every fence needs a language; a shell block
 * ({@code sh}, {@code bash}, {@code shell}, {@code console}) needs a mark after it: {@code run},
 * or {@code skip} and one of {@link Skip}'s words. An unmarked shell block is an error, so a block
 * added later cannot pass unexamined.
 */
record DocBlocks(Path file, List<Block> blocks) {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "shell", "console");
    /** CommonMark's fence: up to three spaces (more inside list items), three or more ` or ~. */
    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*(.*)$");

    /** Why a block is not run; the doc test prints the reason beside the block. */
    enum Skip {
        /** Needs a Qubes OS machine: dom0 or a management qube (qvm-*, qrexec, dnf, systemctl). */
        QUBES,
        /** Builds or tests the project itself (mvn): the doc test runs inside that build. */
        BUILD,
        /** Runs for minutes or until interrupted: a figure's own command, a live stream, a server. */
        LONG,
        /** Needs QEMU and a built guest (deploy/qemu/build-guest.sh). */
        QEMU,
        /** Fetches from the network: a git clone, a download. */
        NETWORK
    }

    /** One block: where it starts (1-based line of its opening fence), its language, mark and text. */
    record Block(Path file, int line, String language, boolean run, Skip skip, String text) {
        String where() {
            return file.getFileName() + ":" + line;
        }

        String firstLine() {
            return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        }
    }

    static DocBlocks read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                i++;
                continue;
            }
            int start = i;
            String fence = open.group(2);
            String indent = open.group(1);
            StringBuilder text = new StringBuilder();
            i++;
            while (i < lines.size() && !closes(lines.get(i), fence)) {
                String line = lines.get(i);
                text.append(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading()).append('\n');
                i++;
            }
            if (i == lines.size()) {
                throw new IllegalArgumentException(file + ":" + (start + 1) + ": code block never closed (no " + fence + ")");
            }
            blocks.add(block(file, start + 1, open.group(3).strip(), text.toString()));
            i++;
        }
        return new DocBlocks(file, List.copyOf(blocks));
    }

    List<Block> shellBlocks() {
        return blocks.stream().filter(b -> SHELLS.contains(b.language())).toList();
    }

    private static boolean closes(String line, String fence) {
        String s = line.strip();
        return s.length() >= fence.length() && s.chars().allMatch(c -> c == fence.charAt(0));
    }

    private static Block block(Path file, int line, String info, String text) {
        String where = file + ":" + line;
        String[] words = info.isEmpty() ? new String[0] : info.split("\\s+");
        if (words.length == 0) {
            throw new IllegalArgumentException(where + ": a code block needs a language (```sh run, ```text, ```json, ...)");
        }
        String language = words[0].toLowerCase(Locale.ROOT);
        if (!SHELLS.contains(language)) {
            return new Block(file, line, language, false, null, text);
        }
        if (words.length == 2 && words[1].equals("run")) {
            return new Block(file, line, language, true, null, text);
        }
        if (words.length == 3 && words[1].equals("skip")) {
            return new Block(file, line, language, false, skip(where, words[2]), text);
        }
        throw new IllegalArgumentException(where + ": shell block marked '" + info + "': mark it '" + words[0]
                + " run' (the doc test runs it) or '" + words[0] + " skip REASON' with REASON one of "
                + List.of(Skip.values()).toString().toLowerCase(Locale.ROOT) + " (docs/contributing.md)");
    }

    private static Skip skip(String where, String reason) {
        try {
            return Skip.valueOf(reason.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": skip reason '" + reason + "' is not one of "
                    + List.of(Skip.values()).toString().toLowerCase(Locale.ROOT) + " (docs/contributing.md)", e);
        }
    }
}
