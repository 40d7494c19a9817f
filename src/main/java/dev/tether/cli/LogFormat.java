package dev.tether.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's format on stderr. Text is logback.xml's pattern; JSON swaps the appender's encoder for
 * {@link JsonLogEncoder}: one flat object a line, the request log's fields among its own.
 */
enum LogFormat {
    TEXT, JSON;

    /** The name of the appender in logback.xml whose encoder JSON replaces. */
    private static final String APPENDER = "STDERR";

    static LogFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-format must be text or json, not '" + value + "'", e);
        }
    }

    void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
        if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        JsonLogEncoder json = new JsonLogEncoder();
        json.setContext(context);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
    }
}
