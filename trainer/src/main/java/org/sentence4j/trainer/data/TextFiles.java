package org.sentence4j.trainer.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text files read line by line in a declared charset, where bytes that do not decode are an error naming the
 * file and line. Java's readers report only "Input length = 1" for such bytes, without saying where, and they
 * decode in buffers ahead of the line being read, so the line has to be found from the bytes themselves.
 */
public final class TextFiles {

    private TextFiles() {
    }

    /**
     * Every line of {@code file} (LF, CRLF or CR; a final newline does not start a line), a leading byte-order
     * mark removed.
     *
     * @throws DatasetException the file is missing, unreadable, or holds bytes that are not valid {@code charset}
     *                          text (the message gives {@code file:line})
     */
    public static List<String> readLines(Path file, Charset charset) {
        List<String> lines = new ArrayList<>();
        CharsetDecoder decoder = strict(charset);
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(lines.isEmpty() ? DatasetReader.stripBom(line) : line);
            }
        } catch (CharacterCodingException e) {
            throw notDecodable(file, charset, lines.size() + 1L, e);
        } catch (NoSuchFileException e) {
            throw DatasetException.inFile(file, "file not found", e);
        } catch (IOException e) {
            throw DatasetException.inFile(file, "cannot be read: " + e, e);
        }
        return lines;
    }

    /** The error for bytes that do not decode: at the line that holds them ({@code fallbackLine} if not found). */
    static DatasetException notDecodable(Path file, Charset charset, long fallbackLine, Exception cause) {
        long bad = firstUndecodableLine(file, charset);
        return DatasetException.at(file, bad > 0 ? bad : fallbackLine, "is not valid " + charset + " text", cause);
    }

    /**
     * The 1-based line holding the first bytes of {@code file} that do not decode in {@code charset}, or -1 when
     * every line decodes (or the file cannot be read). Reads the file as a stream, one line in memory at a time.
     */
    public static long firstUndecodableLine(Path file, Charset charset) {
        CharsetDecoder decoder = strict(charset);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long number = 1;
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    if (!decodes(decoder, line)) {
                        return number;
                    }
                    line.reset();
                    number++;
                } else {
                    line.write(b);
                }
            }
            return decodes(decoder, line) ? -1 : number;
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean decodes(CharsetDecoder decoder, ByteArrayOutputStream bytes) {
        try {
            decoder.reset().decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static CharsetDecoder strict(Charset charset) {
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
