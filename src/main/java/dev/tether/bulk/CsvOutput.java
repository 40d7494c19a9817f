package dev.tether.bulk;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A CSV file a bulk run appends to (the report, the results), cut back to the length the state saved when a
 * run goes on; or, for a job that keeps no such file, one that keeps nothing.
 */
abstract class CsvOutput implements AutoCloseable {
    /** Rows written through the printer. */
    interface Rows {
        void write(CSVPrinter out) throws IOException;
    }

    /**
     * Opens the file cut to {@code keep} bytes, with its header when it starts empty; with no path, nothing.
     */
    static CsvOutput open(Optional<Path> path, long keep, List<String> header) {
        return path.<CsvOutput>map(p -> new ToFile(p, keep, header)).orElseGet(Nothing::new);
    }

    abstract void write(Rows rows);

    /** Flushes what was written to the disk and answers the file's length. */
    abstract long durable();

    @Override
    public abstract void close();

    void row(long line, String value, int code, String error) {
        write(out -> out.printRecord(line == 0 ? "" : Long.toString(line), value, code, error));
    }

    private static final class Nothing extends CsvOutput {
        @Override
        void write(Rows rows) {
        }

        @Override
        long durable() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static final class ToFile extends CsvOutput {
        private final FileChannel channel;
        private final CSVPrinter printer;

        ToFile(Path path, long keep, List<String> header) {
            try {
                this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                channel.truncate(keep);
                channel.position(keep);
                this.printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(
                        Channels.newOutputStream(channel), StandardCharsets.UTF_8)),
                        CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get());
                if (keep == 0) {
                    printer.printRecord(header);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        void write(Rows rows) {
            try {
                rows.write(printer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        long durable() {
            try {
                printer.flush();
                channel.force(false);
                return channel.size();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                printer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
