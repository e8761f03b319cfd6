package org.sentence4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.sentence4j.losses.LabelKind;

/**
 * Collects the label column of a dataset row by row, parses and transforms the values, and infers the label
 * kind the loss table needs: integers that are all 0 or 1 are {@link LabelKind#BINARY}, other integers
 * {@link LabelKind#CLASS}, any non-integer value makes the column {@link LabelKind#SCORE}, arrays are
 * {@link LabelKind#VECTOR}. "Integer" follows how the value was written (as pandas and Arrow type a column):
 * {@code 1} is an integer, {@code 1.0} is not; mapped text labels are integers; a transform keeps integers
 * only if every transformed value is integral. An explicit kind overrides the inference and is checked.
 */
final class LabelCollector {

    /** Builds the error for a problem at an origin (a file line or a row index). */
    interface ErrorAt {
        DatasetException at(long origin, String problem);
    }

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String column;
    private final DoubleUnaryOperator transform;
    private final LabelMapping mapping;
    private final LabelKind forcedKind;
    private final ErrorAt err;

    private double[] scalars = new double[1024];
    private final List<double[]> vectors = new ArrayList<>();
    private long[] origins = new long[1024];
    private int n;
    private boolean vectorMode;
    private int width = -1;
    private boolean integerTyped = true;

    LabelCollector(String column, DoubleUnaryOperator transform, LabelMapping mapping, LabelKind forcedKind, ErrorAt err) {
        this.column = column;
        this.transform = transform;
        this.mapping = mapping;
        this.forcedKind = forcedKind;
        this.err = err;
        if (forcedKind == LabelKind.NONE) {
            throw new IllegalArgumentException("labelKind NONE is not a label kind for a label column; "
                    + "select the input columns without the label column instead.");
        }
    }

    /** A label written as text (CSV/TSV field, a line of a label file). */
    void addToken(String raw, long origin) {
        String token = raw.strip();
        if (token.isEmpty()) {
            throw err.at(origin, column + " is empty");
        }
        if (mapping != null) {
            OptionalInt id = mapping.id(token);
            if (id.isEmpty()) {
                throw err.at(origin, column + " '" + token + "' is not in the label mapping {" + mapping + "}");
            }
            addScalar(id.getAsInt(), true, origin);
            return;
        }
        if (INTEGER.matcher(token).matches()) {
            addScalar(Double.parseDouble(token), true, origin);
        } else if (DECIMAL.matcher(token).matches()) {
            addScalar(Double.parseDouble(token), false, origin);
        } else {
            throw err.at(origin, column + " '" + token + "' is not a number"
                    + " (text labels need a labelMapping, e.g. LabelMapping.nli())");
        }
    }

    /** A label from a JSON value: number, array of numbers, or text with a mapping. */
    void addJson(JsonNode node, long origin) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw err.at(origin, "missing field '" + column + "'");
        }
        if (node.isNumber()) {
            addScalar(node.doubleValue(), node.isIntegralNumber(), origin);
        } else if (node.isTextual()) {
            if (mapping == null) {
                throw err.at(origin, column + " \"" + node.textValue() + "\" is text, not a number"
                        + " (text labels need a labelMapping, e.g. LabelMapping.nli())");
            }
            addToken(node.textValue(), origin);
        } else if (node.isArray()) {
            double[] v = new double[node.size()];
            for (int i = 0; i < v.length; i++) {
                JsonNode e = node.get(i);
                if (!e.isNumber()) {
                    throw err.at(origin, column + "[" + i + "] is " + e.getNodeType().name().toLowerCase()
                            + ", not a number");
                }
                v[i] = e.doubleValue();
            }
            addVector(v, origin);
        } else {
            throw err.at(origin, column + " is " + node.getNodeType().name().toLowerCase()
                    + "; a label is a number, a list of numbers, or a text with a labelMapping");
        }
    }

    /** A label given in code. */
    void addObject(Object value, long origin) {
        if (value == null) {
            throw err.at(origin, column + " is null");
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            addScalar(((Number) value).doubleValue(), true, origin);
        } else if (value instanceof Number num) {
            addScalar(num.doubleValue(), false, origin);
        } else if (value instanceof String s) {
            if (mapping == null) {
                throw err.at(origin, column + " \"" + s + "\" is text, not a number"
                        + " (text labels need a labelMapping, e.g. LabelMapping.nli())");
            }
            addToken(s, origin);
        } else if (value instanceof double[] d) {
            addVector(d.clone(), origin);
        } else if (value instanceof float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            addVector(d, origin);
        } else if (value instanceof List<?> list) {
            double[] d = new double[list.size()];
            for (int i = 0; i < d.length; i++) {
                if (!(list.get(i) instanceof Number num)) {
                    throw err.at(origin, column + "[" + i + "] is not a number: " + list.get(i));
                }
                d[i] = num.doubleValue();
            }
            addVector(d, origin);
        } else {
            throw err.at(origin, column + " has unsupported type " + value.getClass().getSimpleName()
                    + "; use numbers, double[]/float[]/List<Number> vectors, or texts with a labelMapping");
        }
    }

    private void addScalar(double value, boolean integer, long origin) {
        if (n > 0 && vectorMode) {
            throw err.at(origin, column + " is a single value but earlier rows hold lists");
        }
        double v = apply(value, origin);
        if (integer && v != Math.rint(v)) {
            integer = false; // the transform made it fractional
        }
        integerTyped &= integer;
        grow();
        scalars[n] = v;
        origins[n++] = origin;
    }

    private void addVector(double[] v, long origin) {
        if (n > 0 && !vectorMode) {
            throw err.at(origin, column + " is a list but earlier rows hold single values");
        }
        vectorMode = true;
        if (v.length == 0) {
            throw err.at(origin, column + " is an empty list");
        }
        if (width >= 0 && v.length != width) {
            throw err.at(origin, column + " has " + v.length + " values, earlier rows have " + width);
        }
        width = v.length;
        for (int i = 0; i < v.length; i++) {
            v[i] = apply(v[i], origin);
        }
        grow();
        vectors.add(v);
        origins[n++] = origin;
    }

    private double apply(double value, long origin) {
        if (!Double.isFinite(value)) {
            throw err.at(origin, column + " is not a finite number: " + value);
        }
        if (transform == null) {
            return value;
        }
        double t = transform.applyAsDouble(value);
        if (!Double.isFinite(t)) {
            throw err.at(origin, "the label transform turned " + column + " " + value + " into " + t);
        }
        return t;
    }

    private void grow() {
        if (n == origins.length) {
            origins = Arrays.copyOf(origins, n * 2);
            scalars = Arrays.copyOf(scalars, n * 2);
        }
    }

    int size() {
        return n;
    }

    LabelColumn finish() {
        if (vectorMode) {
            if (forcedKind != null && forcedKind != LabelKind.VECTOR) {
                throw err.at(origins[0], column + " holds lists, which cannot be " + forcedKind + " labels");
            }
            return new LabelColumn(column, LabelKind.VECTOR, width, null, vectors.toArray(new double[0][]), mapping);
        }
        double[] values = Arrays.copyOf(scalars, n);
        LabelKind kind;
        if (forcedKind == null) {
            kind = !integerTyped ? LabelKind.SCORE : allBinary(values) ? LabelKind.BINARY : LabelKind.CLASS;
        } else {
            kind = forcedKind;
            for (int i = 0; i < n; i++) {
                double v = values[i];
                switch (forcedKind) {
                    case VECTOR -> throw err.at(origins[i], column + " is a single value, not a list (labelKind VECTOR)");
                    case BINARY -> {
                        if (v != 0 && v != 1) {
                            throw err.at(origins[i], column + " " + v + " is not 0 or 1 (labelKind BINARY)");
                        }
                    }
                    case CLASS -> {
                        if (v != Math.rint(v)) {
                            throw err.at(origins[i], column + " " + v + " is not an integer class id (labelKind CLASS)");
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return new LabelColumn(column, kind, 0, values, null, mapping);
    }

    private static boolean allBinary(double[] values) {
        for (double v : values) {
            if (v != 0 && v != 1) {
                return false;
            }
        }
        return true;
    }
}
