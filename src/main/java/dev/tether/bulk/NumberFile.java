package dev.tether.bulk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;

/**
 * A file of phone numbers, a CSV or a plain list (a one-column CSV), read a record at a time so that a million
 * lines take no more memory than one. The number is in column {@code column} (1-based); a first line whose number
 * column has no digit is a header and skipped (blank lines before it too); blank lines (every cell empty) are skipped; a line with
 * cells but an empty number column is reported as an invalid number. Lines are CSV records, which are the
 * file's lines unless a quoted field spans several.
 */
public final class NumberFile {
    /** One line of the file: its number, the value in the number column, and the date column's value if asked. */
    public record Line(long number, String value, Optional<String> date) {
    }

    /** What the file is: its size, how many lines it has, and a digest that tells a changed file from the same. */
    public record Fingerprint(long bytes, long lines, String sha256) {
    }

    private static final int BYTE_ORDER_MARK = '\uFEFF';

    private final Path path;
    private final int column;
    private final Optional<Integer> dateColumn;

    public NumberFile(Path path, int column, Optional<Integer> dateColumn) {
        if (column < 1 || dateColumn.filter(c -> c < 1).isPresent()) {
            throw new IllegalArgumentException("columns are numbered from 1");
        }
        this.path = path;
        this.column = column;
        this.dateColumn = dateColumn;
    }

    public Path path() {
        return path;
    }

    /** Reads the whole file once, as bytes: its size, its line count and its SHA-256. */
    public Fingerprint fingerprint() {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            long bytes = 0;
            long lines = 0;
            byte last = '\n';
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                last = buffer[n - 1];
            }
            if (last != '\n') {
                lines++;
            }
            return new Fingerprint(bytes, lines, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines after line {@code after} (0 for all), in order; close it when done. */
    public Lines linesAfter(long after) {
        return new Lines(after);
    }

    /** An open reading of the file. */
    public final class Lines implements Iterator<Line>, AutoCloseable {
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private final long after;
        private @Nullable Line next;
        private boolean first = true;
        private boolean header;
        private long blankLines;

        private Lines(long after) {
            this.after = after;
            try {
                // bytes that are not UTF-8 (a Latin-1 export) become U+FFFD, so such a number is reported, not fatal
                BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(path),
                        StandardCharsets.UTF_8));
                reader.mark(1);
                if (reader.read() != BYTE_ORDER_MARK) {
                    reader.reset();
                }
                this.parser = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).setTrim(true).get()
                        .parse(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
            }
            this.records = parser.iterator();
            this.next = advance();
        }

        private @Nullable Line advance() {
            while (records.hasNext()) {
                CSVRecord record = records.next();
                String value = cell(record, column);
                boolean blank = record.stream().allMatch(String::isEmpty);
                boolean isHeader = first && !blank && value.chars().noneMatch(Character::isDigit);
                first = first && blank;
                header |= isHeader;
                blankLines += blank ? 1 : 0;
                if (isHeader || blank || record.getRecordNumber() <= after) {
                    continue;
                }
                return new Line(record.getRecordNumber(), value, dateColumn.map(c -> cell(record, c)));
            }
            return null;
        }

        private static String cell(CSVRecord record, int column) {
            return record.size() >= column ? record.get(column - 1) : "";
        }

        /** Whether the lines read so far began with a header (a first line whose number column has no digit). */
        public boolean header() {
            return header;
        }

        /** Blank lines read so far, before line {@code after} too. */
        public long blankLines() {
            return blankLines;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Line next() {
            Line line = next;
            if (line == null) {
                throw new NoSuchElementException();
            }
            next = advance();
            return line;
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
