package dev.tether.batch;

/** The request as a whole is malformed (HTTP 400); nothing of it is applied. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
