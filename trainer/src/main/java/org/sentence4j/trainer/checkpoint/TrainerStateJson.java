package org.sentence4j.trainer.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.sentence4j.trainer.LogEntry;
import org.sentence4j.trainer.TrainerState;

/**
 * JSON form of {@link TrainerState} and {@link LogEntry} ({@code trainer_state.json} of a checkpoint): snake_case
 * keys as Hugging Face's {@code trainer_state.json} uses, map keys sorted (stable files, stable checksums).
 *
 * <p>Losses and metrics may be NaN (an evaluation-only log row has no loss) or infinite (a diverged run). Strict
 * JSON has no such numbers, so they are written as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"} and read back as the doubles; the bare tokens are accepted on reading as well. Finite
 * doubles are written in their shortest round-trip form, so every value reads back bit for bit.
 */
public final class TrainerStateJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // a state with a missing field is damaged: refuse it rather than resume from zeros
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .build();

    private TrainerStateJson() {
    }

    /** A copy of the configured mapper (e.g. to write log entries elsewhere in the same form). */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    /** The state as UTF-8 JSON (indented, trailing newline). */
    public static byte[] toBytes(TrainerState state) {
        try {
            return (MAPPER.writeValueAsString(state) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the trainer state: " + e.getOriginalMessage(), e);
        }
    }

    /** The state as a JSON string. */
    public static String toJson(TrainerState state) {
        return new String(toBytes(state), StandardCharsets.UTF_8);
    }

    /** Parses what {@link #toBytes} wrote. */
    public static TrainerState fromBytes(byte[] json, String source) throws IOException {
        try {
            return MAPPER.readValue(json, TrainerState.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(source + ": not a valid trainer state: " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            // a record constructor rejected a value (e.g. a null list)
            throw new CheckpointException(source + ": not a valid trainer state: " + e, e);
        }
    }

    /** Parses a JSON string. */
    public static TrainerState fromJson(String json) throws IOException {
        return fromBytes(json.getBytes(StandardCharsets.UTF_8), "trainer state");
    }

    /** One log entry as a single line of JSON (no indentation), e.g. for a JSON Lines log. */
    public static String toJsonLine(LogEntry entry) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the log entry: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a log entry written by {@link #toJsonLine}. */
    public static LogEntry logEntryFromJson(String json) throws IOException {
        try {
            return MAPPER.readValue(json, LogEntry.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("not a valid log entry: " + e.getOriginalMessage(), e);
        }
    }
}
