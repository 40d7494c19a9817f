package dev.tether.cli;

import dev.tether.account.UnknownAccountException;
import dev.tether.store.StorageException;
import dev.tether.store.StorageUnavailableException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code tether} command. */
@Command(name = "tether", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Self-hosted profile and identity server speaking CleverTap's REST API.",
        subcommands = {ServeCommand.class, AccountCommand.class, PasscodeCommand.class, MigrateCommand.class,
                BenchCommand.class, CheckCommand.class, BackupCommand.class, CopyCommand.class, WebhookCommand.class, DisassociateCommand.class,
                ReassignedCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class TetherCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; bad flags and unreachable databases end in one line on stderr and a non-zero code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new TetherCli());
        cli.setParameterExceptionHandler((e, argv) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("tether: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tether: " + describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    private static String describe(Exception e) {
        if (e instanceof StorageUnavailableException || e instanceof UnknownAccountException
                || e instanceof IllegalArgumentException) {
            return String.valueOf(e.getMessage());
        }
        if (e instanceof StorageException storage) {
            return "database error: " + storage.sqlCause().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage()
                + (root != e ? " (" + root.getMessage() + ")" : "");
    }
}
