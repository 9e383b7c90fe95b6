import { beforeAll, describe, expect, it } from "vitest";
import {
  createFeatureExtractor,
  type FeatureExtractor,
  type FeatureInput,
  type FeatureName,
  featureDefinitions,
  featureNames,
} from "./features.js";

let extractor: FeatureExtractor;
beforeAll(async () => {
  extractor = await createFeatureExtractor();
});

function features(input: FeatureInput): Record<FeatureName, number> {
  const vector = extractor.extract(input);
  return Object.fromEntries(featureNames.map((name, index) => [name, vector[index]])) as Record<
    FeatureName,
    number
  >;
}

const focalPython = `def add(a, b):
    return a + b


def clamp(x, low, high):
    if x < low:
        return low
    if x > high:
        return high
    return x


class Stack:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)
`;
const existingPython = "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n";

describe("features", () => {
  it("names every feature once, each with a description", () => {
    expect(new Set(featureNames).size).toBe(featureNames.length);
    for (const [, description] of featureDefinitions) expect(description.length).toBeGreaterThan(5);
  });

  it("reads a Python test: assertions, literals, focal reach, unresolved names, overlap", () => {
    const python = features({
      language: "python",
      focalCode: focalPython,
      existingTests: existingPython,
      testCode: `import pytest
from calc import clamp

def test_clamp():
    assert clamp(-5, 0, 10) == 0
    assert clamp(50, 0, 10) == 10
    assert add(1, 2) == 3
    with pytest.raises(TypeError):
        clamp(None, [], {})
    assert undefined_helper(1e7) is None
`,
    });
    expect(python).toMatchObject({
      language_python: 1,
      language_java: 0,
      test_syntax_valid: 1,
      test_lines: 9,
      test_functions: 1,
      assertions: 4,
      assert_statements: 4,
      equality_assertions: 4,
      exception_expectations: 1,
      numeric_literals: 12,
      float_literals: 1,
      negative_numbers: 1,
      large_numbers: 1,
      collection_literals: 2,
      empty_collections: 2,
      constant_literals: 2,
      calls: 6,
      focal_functions: 4,
      focal_branches: 2,
      // add and clamp: 2 + 6 lines of the 12 the four functions span
      reached_functions: 2,
      reached_lines: 8,
      reached_branches: 2,
      // the suite reaches add alone: clamp's 6 lines are new
      new_reached_functions: 1,
      new_closure_lines: 6,
      new_closure_line_fraction: 0.5,
      already_reached_fraction: 0.5,
      unresolved_identifiers: 1,
      unresolved_calls: 1,
      test_imports: 2,
      new_imports: 2,
      duplicate_assertions: 1,
      duplicate_assertion_fraction: 0.25,
      existing_test_functions: 1,
      existing_assertions: 1,
      test_name_matches_focal: 1,
    });
    expect(python.closure_line_fraction).toBeCloseTo(8 / 12);
    expect(python.existing_closure_line_fraction).toBeCloseTo(2 / 12);
  });

  it("counts syntax errors of a broken test", () => {
    const broken = features({
      language: "python",
      focalCode: focalPython,
      existingTests: existingPython,
      testCode: "def test_x(:\n    assert add(1, 2 == 3\n",
    });
    expect(broken.test_syntax_valid).toBe(0);
    expect(broken.test_syntax_errors).toBeGreaterThan(0);
    expect(broken.all_syntax_errors).toBe(broken.test_syntax_errors);
  });

  it("reads a JUnit test: @Test methods, expected=, assert calls", () => {
    const java = features({
      language: "java",
      focalCode: `package calc;

public class Calculator {
    public int add(int a, int b) { return a + b; }

    public int divide(int a, int b) {
        if (b == 0) { throw new ArithmeticException("zero"); }
        return a / b;
    }
}
`,
      existingTests: `package calc;

import org.junit.Test;
import static org.junit.Assert.assertEquals;

public class CalculatorTest {
    @Test
    public void adds() { assertEquals(3, new Calculator().add(1, 2)); }
}
`,
      testCode: `package calc;

import org.junit.Test;
import static org.junit.Assert.*;

public class CalculatorTest {
    @Test(expected = ArithmeticException.class)
    public void dividesByZero() {
        new Calculator().divide(1, 0);
    }

    @Test
    public void divides() {
        Calculator calculator = new Calculator();
        assertEquals(-2, calculator.divide(-4, 2));
        assertTrue(calculator.divide(0, 5) == 0);
        int[] empty = {};
    }
}
`,
    });
    expect(java).toMatchObject({
      language_java: 1,
      test_functions: 2,
      assertions: 2,
      assertion_calls: 2,
      equality_assertions: 1,
      assertion_kinds: 2,
      exception_expectations: 1,
      negative_numbers: 2,
      empty_collections: 1,
      focal_functions: 2,
      reached_functions: 1,
      reached_lines: 4,
      new_reached_functions: 1,
      new_closure_lines: 4,
      // assertTrue comes from a wildcard static import: nothing defines it
      unresolved_identifiers: 1,
      new_imports: 1,
    });
  });

  it("reads a Go test: t.Errorf in an if, testify, case tables", () => {
    const go = features({
      language: "go",
      focalCode: `package calc

func Add(a, b int) int { return a + b }

func Abs(x int) int {
\tif x < 0 && x != -1 {
\t\treturn -x
\t}
\treturn x
}
`,
      existingTests: `package calc

import "testing"

func TestAdd(t *testing.T) {
\tif Add(1, 2) != 3 {
\t\tt.Errorf("bad")
\t}
}
`,
      testCode: `package calc

import (
\t"testing"

\t"github.com/stretchr/testify/assert"
)

func TestAbs(t *testing.T) {
\tcases := []struct{ in, want int }{{-3, 3}, {0, 0}}
\tfor _, c := range cases {
\t\tif got := Abs(c.in); got != c.want {
\t\t\tt.Errorf("Abs(%d) = %d", c.in, got)
\t\t}
\t}
\tassert.Equal(t, 5, Abs(-5))
\tt.Fatal(Missing())
}
`,
    });
    expect(go).toMatchObject({
      language_go: 1,
      test_functions: 1,
      assertions: 3,
      error_reports: 2,
      conditional_error_reports: 1,
      assertion_calls: 1,
      equality_assertions: 2,
      parametrized: 1,
      loops: 1,
      negative_numbers: 2,
      focal_branches: 2,
      reached_functions: 1,
      reached_branches: 2,
      new_closure_lines: 6,
      // Missing is defined nowhere; the testify package is bound by its import path
      unresolved_identifiers: 1,
      unresolved_calls: 1,
    });
  });

  it("reads the focal file and suite once for many tests", () => {
    const context = extractor.context("python", focalPython, existingPython);
    expect(extractor.context("python", focalPython, existingPython)).toBe(context);
    const vector = extractor.features(context, "assert add(2, 2) == 4\n");
    expect(vector).toEqual(
      extractor.extract({
        language: "python",
        focalCode: focalPython,
        existingTests: existingPython,
        testCode: "assert add(2, 2) == 4\n",
      }),
    );
    expect(vector).toHaveLength(featureNames.length);
  });
});
