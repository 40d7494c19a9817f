package dev.tether.store;

import java.util.List;

/** Read-only SQL for the operator's tools, with the few expressions whose SQL differs between backends. */
public interface Inspection {
    /** The rows of a query, each column as text ({@code "null"} for SQL NULL). */
    List<List<String>> rows(String sql);

    /** The text of one top-level property of a properties column, or NULL; the key is a fixed name. */
    String propertyText(String column, String key);

    String backendName();
}
