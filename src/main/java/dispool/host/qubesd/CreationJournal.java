package dispool.host.qubesd;

import dispool.files.OwnerOnlyFiles;
import dispool.host.QubesException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of the disposables dispool is creating, written (and synced) before the Admin API
 * call that creates one and dropped once its marks are on it. qubesd finishes a creation even when
 * its caller died, so after a crash a name still here is a qube dispool made and never marked: it
 * is provably dispool's own (the name was chosen and recorded before the call), and it is removed.
 * Nothing else is ever removed on a guess.
 */
final class CreationJournal {

    private final Path file;
    private final Set<String> names = new LinkedHashSet<>();

    private CreationJournal(Path file) {
        this.file = file;
    }

    /** A journal kept in {@code file} (its directory is created), loaded from what an earlier run left. */
    static CreationJournal at(Path file) {
        CreationJournal j = new CreationJournal(file);
        try {
            if (Files.exists(file)) {
                Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(j.names::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dispool's creation journal " + file, e);
        }
        return j;
    }

    /** A journal in memory: names survive no crash (tests, tools). */
    static CreationJournal inMemory() {
        return new CreationJournal(null);
    }

    synchronized void add(String name) {
        names.add(name);
        write();
    }

    synchronized void remove(String name) {
        if (names.remove(name)) {
            write();
        }
    }

    synchronized List<String> pending() {
        return List.copyOf(names);
    }

    private void write() {
        if (file == null) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (BufferedWriter out = OwnerOnlyFiles.open(file, true)) {
                for (String n : names) {
                    out.write(n);
                    out.write('\n');
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true); // on disk before the call it guards goes out
            }
        } catch (IOException e) {
            throw new QubesException(QubesException.GENERIC, "cannot write dispool's creation journal " + file + ": "
                    + e.getMessage() + "; check that its directory (dispool.qubes.creations-file) is writable");
        }
    }
}
