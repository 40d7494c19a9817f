package dev.tether.http;

import java.io.IOException;

/** The client closed its connection while an answer was being written to it: nobody is left to answer. */
final class ClientGoneException extends RuntimeException {
    ClientGoneException(IOException cause) {
        super("the client closed the connection during the answer", cause);
    }
}
