package dev.tether.webhook;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a change as the outbox keeps them: tab-separated, one line, with backslash, tab and newline escaped
 * ({@code \\}, {@code \t}, {@code \n}); a missing field is empty. Small and cheap to write on the request's path;
 * the body is made from it when the message is sent.
 */
final class Payload {
    private Payload() {
    }

    static String join(String... fields) {
        StringBuilder line = new StringBuilder(120);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append('\t');
            }
            String field = fields[i];
            for (int c = 0; c < field.length(); c++) {
                char ch = field.charAt(c);
                switch (ch) {
                    case '\\' -> line.append("\\\\");
                    case '\t' -> line.append("\\t");
                    case '\n' -> line.append("\\n");
                    default -> line.append(ch);
                }
            }
        }
        return line.toString();
    }

    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int c = 0; c < line.length(); c++) {
            char ch = line.charAt(c);
            if (ch == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (ch == '\\' && c + 1 < line.length()) {
                char next = line.charAt(++c);
                field.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                field.append(ch);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
