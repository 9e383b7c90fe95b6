import type { PythonValue } from "@coderm/core";
import { CodermError, stringifyJson } from "@coderm/core";

type Convert = (args: PythonValue[], taskId: string) => PythonValue[];

const tuple = (value: PythonValue, taskId: string): PythonValue => ({
  $tuple: list(value, taskId),
});
const deepTuple = (value: PythonValue): PythonValue =>
  Array.isArray(value) ? { $tuple: value.map(deepTuple) } : value;

/**
 * EvalPlus's `mbpp_deserialize_inputs` (evalplus/data/mbpp.py): MBPP+ stores every input as
 * JSON, and EvalPlus turns the lists of these tasks back into tuples, sets and complex numbers
 * before it calls a function. Keys are MBPP task numbers.
 */
const conversions = new Map<number, Convert>();
const define = (tasks: readonly number[], convert: Convert) => {
  for (const task of tasks) conversions.set(task, convert);
};
define([
  2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630, 726, 740,
  744, 809,
], (args, id) => args.map((arg) => tuple(arg, id)));
define([63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780], (args, id) =>
  args.map((arg) => list(arg, id).map((item) => tuple(item, id))));
define([75, 413, 444, 753], ([first, second], id) => [
  list(first, id).map((item) => tuple(item, id)),
  second!,
]);
define([106, 750], ([first, second], id) => [first!, tuple(second!, id)]);
// `set(item) if isinstance(item, list) and len(item) else {}`: the fallback is an empty dict.
define([115], ([first], id) => [
  list(first, id).map(
    (item): PythonValue => (Array.isArray(item) && item.length > 0 ? { $set: item } : {}),
  ),
]);
define([124], ([first, second]) => [{ $float: String(first) }, { $complex: second! }]);
define([250, 405, 446, 617, 720, 763, 808], ([first, second], id) => [tuple(first!, id), second!]);
define([259, 401, 445], (args, id) =>
  args.map((arg) => ({ $tuple: list(arg, id).map((item) => tuple(item, id)) })));
define([278], ([first], id) => [
  { $tuple: list(first, id).map((item) => (Array.isArray(item) ? tuple(item, id) : item)) },
]);
define([307], ([first, second, third], id) => [tuple(first!, id), second!, third!]);
define([722], ([first, ...rest], id) => [
  Object.fromEntries(
    Object.entries(record(first, id)).map(([key, value]) => [key, tuple(value, id)]),
  ),
  ...rest,
]);
define([252], ([first]) => [{ $complex: first! }]);
define([580, 615, 791], (args) => args.map(deepTuple));

/** The arguments of one MBPP+ input as EvalPlus passes them, for the task `Mbpp/<number>`. */
export function mbppPlusArguments(taskId: string, args: PythonValue[]): PythonValue[] {
  const convert = conversions.get(Number(taskId.split("/").at(-1)));
  if (convert === undefined) return args;
  const converted = convert(args, taskId);
  if (converted.includes(undefined as never)) {
    throw new CodermError("invalid-input", "an input has fewer arguments than EvalPlus reads", {
      item: taskId,
    });
  }
  return converted;
}

function list(value: PythonValue | undefined, taskId: string): PythonValue[] {
  if (Array.isArray(value)) return value;
  throw unexpected("a list", value, taskId);
}

function record(value: PythonValue | undefined, taskId: string): { [key: string]: PythonValue } {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  throw unexpected("a dict", value, taskId);
}

function unexpected(kind: string, value: PythonValue | undefined, taskId: string): CodermError {
  const message = `expected ${kind} in an input, found ${stringifyJson(value)}`;
  return new CodermError("invalid-input", message, { item: taskId });
}
