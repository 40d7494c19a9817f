package dev.tether.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, read from its sources: no package cycles, operations that never open a transaction or read
 * a request, an identity core that knows nothing of requests, and bindings written by the core only.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/tether");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.tether\\.([a-z.]+)\\.[A-Z]",
            Pattern.MULTILINE);
    /** The operations a request runs in its unit of work. */
    private static final List<String> OPERATIONS = List.of("upload", "disassociate", "delete", "profile");

    @Test
    void packages_formNoCycle() {
        Map<String, Set<String>> graph = dependencies();
        List<String> cycles = new ArrayList<>();
        for (String from : graph.keySet()) {
            for (String to : graph.get(from)) {
                if (reaches(graph, to, from, new TreeSet<>())) {
                    cycles.add(from + " -> " + to + " -> ... -> " + from);
                }
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void operations_neverOpenATransaction_norReadARequest() {
        for (String operation : OPERATIONS) {
            for (Path source : sources(MAIN.resolve(operation))) {
                String text = read(source);
                assertThat(text).as(source + " opens no transaction").doesNotContain("import dev.tether.store.Store;")
                        .doesNotContain("store.write(").doesNotContain("store.read(");
                assertThat(text).as(source + " reads no HTTP request").doesNotContain("io.javalin")
                        .doesNotContain("dev.tether.http.");
                assertThat(text).as(source + " is given its unit of work, and writes through the core only")
                        .doesNotContain("dev.tether.work.Transactions").doesNotContain("WriteTx")
                        .doesNotContain("Writes");
            }
        }
    }

    @Test
    void theIdentityCore_dependsOnNoRequestType() {
        for (Path source : sources(MAIN.resolve("core"))) {
            assertThat(read(source)).as(source.toString())
                    .doesNotContain("dev.tether.upload.").doesNotContain("dev.tether.disassociate.")
                    .doesNotContain("dev.tether.delete.").doesNotContain("dev.tether.batch.")
                    .doesNotContain("dev.tether.http.").doesNotContain("dev.tether.work.");
        }
    }

    @Test
    void theIdentityRules_dependOnNoOtherPackage_andNoJson() {
        for (Path source : sources(MAIN.resolve("identity"))) {
            String text = read(source);
            assertThat(IMPORT.matcher(text).find()).as(source + " imports another dev.tether package").isFalse();
            assertThat(text).as(source.toString()).doesNotContain("com.fasterxml");
        }
    }

    @Test
    void bindingsPropertiesEventsAndSubscriptions_areWrittenByTheIdentityCoreOnly() {
        Pattern writes = Pattern.compile("\\.bindings\\(\\)\\.(insert|endActive|forgetProfiles)\\(|\\.profiles\\(\\)\\."
                + "(insert|update|removeProperty|merge|forgetMerges|delete)\\(|\\.events\\(\\)\\.(insert|move|giveBack|delete)"
                + "\\(|\\.subscriptions\\(\\)\\.set\\(");
        List<String> writers = new ArrayList<>();
        for (Path source : sources(MAIN)) {
            if (writes.matcher(read(source)).find()) {
                writers.add(MAIN.relativize(source).toString());
            }
        }
        assertThat(writers).containsExactly("core/UnitState.java");
    }

    @Test
    void theStoresWriteTypes_areNamedByTheStoreTheCoreAndTheUnitOfWorkOnly() {
        Pattern writeTypes = Pattern.compile("\\b(WriteTx|BindingWrites|ProfileWrites|EventWrites|AccountWrites"
                + "|SubscriptionWrites|IdempotencyWrites)\\b");
        List<String> outside = new ArrayList<>();
        for (Path source : sources(MAIN)) {
            String file = MAIN.relativize(source).toString();
            String folder = MAIN.relativize(source).getName(0).toString();
            // Transactions opens the write transaction it hands the core, and stores the Idempotency-Key in it
            boolean allowed = folder.equals("store") || folder.equals("core") || file.equals("work/Transactions.java");
            if (!allowed && writeTypes.matcher(read(source)).find()) {
                outside.add(MAIN.relativize(source).toString());
            }
        }
        assertThat(outside).as("a write handle anywhere else could change bindings behind the core's back").isEmpty();
    }

    private static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path source : sources(MAIN)) {
            String from = MAIN.relativize(source.getParent()).toString().replace('/', '.');
            Set<String> edges = graph.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher imports = IMPORT.matcher(read(source));
            while (imports.find()) {
                if (!imports.group(1).equals(from)) {
                    edges.add(imports.group(1));
                }
            }
        }
        return graph;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        return graph.getOrDefault(from, Set.of()).stream().anyMatch(next -> reaches(graph, next, target, seen));
    }

    private static List<Path> sources(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
