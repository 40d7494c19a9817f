package dev.tether.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.account.ConflictPolicy;
import dev.tether.testing.Backend;
import dev.tether.testing.Programs;
import dev.tether.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs' examples as a newcomer runs them: the README's walkthrough (its quick start, then "A phone number changes
 * hands"), then every {@code curl} example of docs/API.md's endpoint sections (3 to 13, and 20) in the order of the
 * page, with bash and curl against a server and a fresh account, with only TETHER_URL, TETHER_ACCOUNT and
 * TETHER_PASSCODE set. Every answer the docs show in a comment ({@code # {...}}, where {@code <guid>} stands for any
 * GUID) comes, in order, and no answer is a failure the docs do not show.
 */
class DocsExamplesTest {
    private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SHOWN_ANSWER = Pattern.compile("^#\\s+(\\{.*})\\s*$");

    @TempDir
    Path dir;

    @Test
    void theWalkthroughThenEveryApiExample_runInOrder_andAnswerAsTheDocsShow() throws Exception {
        assumeTrue(Programs.available("curl", "--version") && Programs.available("bash", "--version"),
                "curl or bash missing: the docs' examples are SKIPPED, not passed");
        List<String> blocks = new ArrayList<>();
        String readme = Files.readString(Path.of("README.md"));
        String quickStart = readme.substring(readme.indexOf("## Quick start"), readme.indexOf("## Configuration"));
        blocks.addAll(shBlocks(quickStart).stream().filter(block -> block.contains("$TETHER_URL")).toList());
        String api = Files.readString(Path.of("docs", "API.md"));
        String examples = api.substring(api.indexOf("## 3. Upload"), api.indexOf("## 14. Command line"));
        blocks.addAll(shBlocks(examples));
        blocks.addAll(shBlocks(api.substring(api.indexOf("## 20. Who may do what"))));
        assertThat(blocks).as("the walkthrough's two blocks and API.md's examples").hasSizeGreaterThan(12);

        try (TestServer server = new TestServer(Backend.SQLITE)) {
            TestServer.Client account = server.newAccount(true, true, ConflictPolicy.REJECT);
            StringBuilder script = new StringBuilder("set -euo pipefail\n")
                    .append("export TETHER_URL=").append(server.baseUrl())
                    .append(" TETHER_ACCOUNT=").append(account.accountId())
                    .append(" TETHER_PASSCODE=").append(account.passcode()).append('\n')
                    // each answer on a line of its own, as the docs show them
                    .append("curl() { command curl \"$@\"; echo; }\n");
            List<String> shown = new ArrayList<>();
            for (String block : blocks) {
                for (String line : block.split("\n")) {
                    if (line.startsWith("export TETHER_URL=")) {
                        continue; // the walkthrough's own values; the test's are set above
                    }
                    Matcher answer = SHOWN_ANSWER.matcher(line);
                    if (answer.matches()) {
                        shown.add(answer.group(1));
                    }
                    script.append(line).append('\n');
                }
            }
            Path file = dir.resolve("examples.sh");
            Files.writeString(file, script);
            Programs.Result run = Programs.run(dir, List.of("bash", file.toString()));
            assertThat(run.exitCode()).as(run.output()).isZero();

            List<String> answers = run.output().lines().filter(line -> line.startsWith("{")).toList();
            assertThat(answers).as("answers that are failures").noneMatch(line -> line.contains("\"status\":\"fail\""));
            int at = 0;
            for (String expected : shown) {
                Pattern pattern = Pattern.compile(Pattern.quote(expected).replace("<guid>", "\\E[0-9a-f]{32}\\Q"));
                while (at < answers.size() && !pattern.matcher(answers.get(at)).matches()) {
                    at++;
                }
                assertThat(at).as("the answer the docs show, %s, in order, among:\n%s", expected,
                        String.join("\n", answers)).isLessThan(answers.size());
                at++;
            }
        }
    }

    private static List<String> shBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher block = SH_BLOCK.matcher(markdown);
        while (block.find()) {
            if (block.group(1).contains("curl")) {
                blocks.add(block.group(1));
            }
        }
        return blocks;
    }
}
