package dev.tether.clients;

import java.nio.file.Path;
import java.util.List;

/** Lets tests outside this package run a program and read what it printed. */
public final class ProgramsAccess {
    private ProgramsAccess() {
    }

    public static String run(Path dir, List<String> command) {
        Programs.Result result = Programs.run(dir, command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(command + " failed:\n" + result.output());
        }
        return result.output();
    }
}
