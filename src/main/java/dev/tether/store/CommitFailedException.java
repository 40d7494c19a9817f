package dev.tether.store;

import java.sql.SQLException;

/** The commit itself failed: whether the transaction took effect is unknown, so it is never run again. */
final class CommitFailedException extends SQLException {
    CommitFailedException(SQLException cause) {
        super("commit failed: " + cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
    }
}
