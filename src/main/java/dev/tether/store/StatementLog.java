package dev.tether.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Every statement the store runs, with the values bound to it, for whoever listens: the query-plan contract test
 * collects the statements from here, so that a statement joins it by being written. Off unless a listener is
 * installed, and then a cost only for the statements it sees (a proxy that notes each value bound).
 */
public final class StatementLog {
    /** A statement as it ran: its text and the values bound, by position (a list for a bound array). */
    public record Statement(String sql, List<@Nullable Object> values) {
    }

    private static volatile @Nullable Consumer<Statement> listener;

    private StatementLog() {
    }

    /** Starts telling the listener about every statement; {@link #stop} ends it. */
    public static void listen(Consumer<Statement> each) {
        listener = each;
    }

    public static void stop() {
        listener = null;
    }

    static boolean isOn() {
        return listener != null;
    }

    /** The statement, wrapped so that the values bound to it are noted; told to the listener by {@link #ran}. */
    static PreparedStatement noting(PreparedStatement statement, Map<Integer, @Nullable Object> values) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("set") && args != null && args.length >= 2
                            && args[0] instanceof Integer index) {
                        values.put(index, method.getName().equals("setNull") ? null
                                : args[1] instanceof Array array ? Arrays.asList((Object[]) array.getArray()) : args[1]);
                    }
                    try {
                        return method.invoke(statement, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static void ran(String sql, Map<Integer, @Nullable Object> values) {
        Consumer<Statement> each = listener;
        if (each != null) {
            each.accept(new Statement(sql, new ArrayList<>(new TreeMap<>(values).values())));
        }
    }
}
