package org.sentence4j.graphs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Python's json.dumps / repr(float) formatting, which the saved folders must match byte for byte. */
class PyJsonTest {

    @Test
    void floatReprMatchesPython() {
        // expected values are Python 3's repr()
        String[][] cases = {{"0.1", "0.1"}, {"1e-12", "1e-12"}, {"0.02", "0.02"}, {"1.0", "1.0"}, {"100.0", "100.0"},
                {"0.0001", "0.0001"}, {"1e-05", "1e-05"}, {"1.5e-05", "1.5e-05"}, {"1e+16", "1e+16"},
                {"1234567890123456.0", "1234567890123456.0"}, {"-2.5", "-2.5"}, {"0.30000000000000004", "0.30000000000000004"},
                {"1e+100", "1e+100"}, {"5e-324", "5e-324"}, {"1.7976931348623157e+308", "1.7976931348623157e+308"},
                {"123.456", "123.456"}, {"0.0", "0.0"}, {"-0.0", "-0.0"}, {"9.999999960041972e-13", "9.999999960041972e-13"}};
        for (String[] c : cases) {
            assertEquals(c[1], PyJson.floatRepr(Double.parseDouble(c[0])), c[0]);
        }
    }

    @Test
    void dumpsLikePython() {
        ObjectNode o = PyJson.object();
        o.put("b", 1);
        o.put("a", "é\u0001\"\\/\n");
        o.putArray("empty");
        o.putObject("obj");
        o.putArray("list").add(1).add(true).addNull();
        o.put("\uD83D\uDE00", 0.5);
        assertEquals("{\n  \"b\": 1,\n  \"a\": \"\\u00e9\\u0001\\\"\\\\/\\n\",\n  \"empty\": [],\n  \"obj\": {},\n"
                + "  \"list\": [\n    1,\n    true,\n    null\n  ],\n  \"\\ud83d\\ude00\": 0.5\n}", PyJson.dumps(o, 2, false, true));
        assertEquals("{\n    \"a\": \"é\\u0001\\\"\\\\/\\n\",\n    \"b\": 1,\n    \"empty\": [],\n    \"list\": [\n"
                + "        1,\n        true,\n        null\n    ],\n    \"obj\": {},\n    \"\uD83D\uDE00\": 0.5\n}",
                PyJson.dumps(o, 4, true, false));
        assertEquals("[]", PyJson.dumps(PyJson.MAPPER.valueToTree(List.of()), 2, false, true));
    }
}
