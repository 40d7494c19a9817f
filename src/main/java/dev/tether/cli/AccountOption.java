package dev.tether.cli;

import picocli.CommandLine.Option;

/** The {@code --account} option of every command that acts on one account. */
final class AccountOption {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "Account id.")
    String id;
}
