import type { Primordials } from "./primordials.js";

/**
 * How the harness shows values (console output, assertion messages): a compact take on Node's
 * `util.inspect` and `util.format`. It reads own property descriptors and never calls a getter,
 * `toString` or `toJSON` of a candidate's object (a Proxy's traps still run, within the test's
 * time limit). Runs INSIDE the isolate (see `primordials.ts`).
 */
export interface Inspector {
  /** One value as Node's `util.inspect` would show it, shortened past `maxLength` characters. */
  inspect(value: unknown): string;
  /** `console.log`'s arguments as one line: `%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%O`, `%c`, `%%`. */
  format(args: readonly unknown[]): string;
}

/** Builds the {@link Inspector} of a context. */
export function createInspector(p: Primordials): Inspector {
  const maxDepth = 2;
  const maxItems = 100;
  const maxLength = 10_000;

  const quote = (text: string) =>
    `'${p.stringReplaceAll(p.stringReplaceAll(p.stringReplaceAll(text, "\\", "\\\\"), "'", "\\'"), "\n", "\\n")}'`;
  const identifier = /^[A-Za-z_$][\w$]*$/;
  const keyText = (key: PropertyKey) =>
    typeof key === "symbol"
      ? `[${p.symbolToString(key)}]`
      : p.regExpExec(identifier, key as string) !== null
        ? (key as string)
        : quote(key as string);
  const numberText = (value: number) => (p.objectIs(value, -0) ? "-0" : p.string(value));

  function functionText(value: object): string {
    let source = "";
    try {
      source = p.functionToString(value);
    } catch {}
    const descriptor = p.getOwnPropertyDescriptor(value, "name");
    const name =
      descriptor !== undefined && typeof descriptor.value === "string" ? descriptor.value : "";
    if (p.stringSlice(source, 0, 6) === "class ")
      return name === "" ? "[class (anonymous)]" : `[class ${name}]`;
    return name === "" ? "[Function (anonymous)]" : `[Function: ${name}]`;
  }

  function inspectValue(value: unknown, depth: number, seen: unknown[]): string {
    switch (typeof value) {
      case "string":
        return depth === 0 ? value : quote(value);
      case "number":
        return numberText(value);
      case "bigint":
        return `${p.bigintToString(value)}n`;
      case "boolean":
        return value ? "true" : "false";
      case "undefined":
        return "undefined";
      case "symbol":
        return p.symbolToString(value);
      case "function":
        return functionText(value);
    }
    if (value === null) return "null";
    const object = value as object;
    for (let index = 0; index < seen.length; index++)
      if (seen[index] === object) return "[Circular]";
    if (p.isDate(object)) {
      const time = p.dateGetTime(object as Date);
      return p.numberIsNaN(time) ? "Invalid Date" : p.dateToISOString(object as Date);
    }
    if (p.isRegExp(object))
      return `/${p.regExpSource(object as RegExp)}/${p.regExpFlags(object as RegExp)}`;
    const nested = depth > maxDepth;
    if (p.isArray(object)) {
      if (nested) return "[Array]";
      return `[${itemsText(object as unknown[], depth, seen)}]`;
    }
    if (p.isArrayBufferView(object) && !nested) {
      const tag = p.stringSlice(p.objectToString(object), 8, -1);
      const length = p.typedArrayLength(object);
      return `${tag}(${length}) [${itemsText(object as unknown as unknown[], depth, seen)}]`;
    }
    if (p.isMap(object)) {
      if (nested) return "[Map]";
      const entries: string[] = [];
      p.arrayPush(seen, object);
      p.mapForEach(object as Map<unknown, unknown>, (item, key) => {
        if (entries.length < maxItems)
          p.arrayPush(
            entries,
            `${inspectValue(key, depth + 1, seen)} => ${inspectValue(item, depth + 1, seen)}`,
          );
      });
      seen.length -= 1;
      const size = p.mapSize(object as Map<unknown, unknown>);
      return `Map(${size}) {${entries.length === 0 ? "" : ` ${p.arrayJoin(entries, ", ")} `}}`;
    }
    if (p.isSet(object)) {
      if (nested) return "[Set]";
      const entries: string[] = [];
      p.arrayPush(seen, object);
      p.setForEach(object as Set<unknown>, (item) => {
        if (entries.length < maxItems) p.arrayPush(entries, inspectValue(item, depth + 1, seen));
      });
      seen.length -= 1;
      const size = p.setSize(object as Set<unknown>);
      return `Set(${size}) {${entries.length === 0 ? "" : ` ${p.arrayJoin(entries, ", ")} `}}`;
    }
    if (p.isPromise(object)) return "Promise { <unknown> }";
    const prototype = p.getPrototypeOf(object);
    const errorText = errorSummary(object);
    if (errorText !== undefined) return nested ? `[${errorText}]` : errorText;
    if (nested) return "[Object]";
    const prefix = prototype === null ? "[Object: null prototype] " : "";
    const fields = propertiesText(object, depth, seen, false);
    return `${prefix}{${fields === "" ? "" : ` ${fields} `}}`;
  }

  /** `Name: message` of an object whose own or inherited `name`/`message` are data strings. */
  function errorSummary(object: object): string | undefined {
    const tag = p.objectToString(object);
    if (tag !== "[object Error]") return undefined;
    const name = dataProperty(object, "name");
    const message = dataProperty(object, "message");
    const shownName = typeof name === "string" ? name : "Error";
    return typeof message === "string" && message !== "" ? `${shownName}: ${message}` : shownName;
  }

  /** A data property's value found along the prototype chain, without running getters. */
  function dataProperty(object: object, key: string): unknown {
    let current: object | null = object;
    for (let hops = 0; current !== null && hops < 16; hops++) {
      const descriptor = p.getOwnPropertyDescriptor(current, key);
      if (descriptor !== undefined) return "value" in descriptor ? descriptor.value : undefined;
      current = p.getPrototypeOf(current);
    }
    return undefined;
  }

  function itemsText(items: unknown[], depth: number, seen: unknown[]): string {
    const length = items.length;
    const shown = p.mathMin(length, maxItems);
    const parts: string[] = [];
    p.arrayPush(seen, items);
    let holes = 0;
    for (let index = 0; index < shown; index++) {
      const descriptor = p.getOwnPropertyDescriptor(items, index);
      if (descriptor === undefined) {
        holes += 1;
        continue;
      }
      if (holes > 0) {
        p.arrayPush(parts, `<${holes} empty item${holes === 1 ? "" : "s"}>`);
        holes = 0;
      }
      p.arrayPush(parts, descriptorText(descriptor, depth, seen));
    }
    if (holes > 0) p.arrayPush(parts, `<${holes} empty item${holes === 1 ? "" : "s"}>`);
    if (length > shown)
      p.arrayPush(parts, `... ${length - shown} more item${length - shown === 1 ? "" : "s"}`);
    seen.length -= 1;
    const extra = propertiesText(items, depth, seen, true);
    if (extra !== "") p.arrayPush(parts, extra);
    return parts.length === 0 ? "" : ` ${p.arrayJoin(parts, ", ")} `;
  }

  function descriptorText(descriptor: PropertyDescriptor, depth: number, seen: unknown[]): string {
    if ("value" in descriptor) return inspectValue(descriptor.value, depth + 1, seen);
    return descriptor.set === undefined
      ? "[Getter]"
      : descriptor.get === undefined
        ? "[Setter]"
        : "[Getter/Setter]";
  }

  function propertiesText(object: object, depth: number, seen: unknown[], skipIndexes: boolean) {
    const keys = p.ownKeys(object);
    const parts: string[] = [];
    p.arrayPush(seen, object);
    for (let index = 0; index < keys.length && parts.length < maxItems; index++) {
      const key = keys[index]!;
      if (skipIndexes && (key === "length" || isIndex(key))) continue;
      const descriptor = p.getOwnPropertyDescriptor(object, key);
      if (descriptor === undefined || !descriptor.enumerable) continue;
      p.arrayPush(parts, `${keyText(key)}: ${descriptorText(descriptor, depth, seen)}`);
    }
    seen.length -= 1;
    return p.arrayJoin(parts, ", ");
  }

  const indexPattern = /^(?:0|[1-9]\d*)$/;
  const isIndex = (key: PropertyKey) =>
    typeof key === "string" && p.regExpExec(indexPattern, key) !== null;

  const clip = (text: string) =>
    text.length > maxLength ? `${p.stringSlice(text, 0, maxLength)}…` : text;

  function inspect(value: unknown): string {
    try {
      return clip(inspectValue(value, 1, []));
    } catch {
      return "[uninspectable value]";
    }
  }

  function formatOne(value: unknown): string {
    if (typeof value === "string") return value;
    return inspect(value);
  }

  function format(args: readonly unknown[]): string {
    const parts: string[] = [];
    let start = 0;
    const first = args[0];
    if (typeof first === "string" && p.stringIndexOf(first, "%") !== -1) {
      start = 1;
      let text = "";
      let next = 1;
      for (let index = 0; index < first.length; index++) {
        const character = first[index]!;
        const code = first[index + 1];
        if (character !== "%" || code === undefined) {
          text += character;
          continue;
        }
        if (code === "%") {
          text += "%";
          index++;
          continue;
        }
        if (next >= args.length || !isFormatCode(code)) {
          text += character;
          continue;
        }
        text += substitute(code, args[next++]);
        index++;
      }
      p.arrayPush(parts, text);
      start = next;
    }
    for (let index = start; index < args.length; index++)
      p.arrayPush(parts, formatOne(args[index]));
    return clip(p.arrayJoin(parts, " "));
  }

  const isFormatCode = (code: string) =>
    code === "s" ||
    code === "d" ||
    code === "i" ||
    code === "f" ||
    code === "j" ||
    code === "o" ||
    code === "O" ||
    code === "c";

  function substitute(code: string, value: unknown): string {
    try {
      switch (code) {
        case "s":
          return typeof value === "string" ? value : inspect(value);
        case "d":
        case "i": {
          if (typeof value === "bigint") return `${p.bigintToString(value)}n`;
          if (typeof value === "object" || typeof value === "symbol") return "NaN";
          const number = p.number(value);
          return numberText(code === "i" ? p.mathTrunc(number) : number);
        }
        case "f":
          return typeof value === "symbol" ? "NaN" : numberText(p.number(value));
        case "j":
          return p.jsonStringify(value) ?? "undefined";
        case "c":
          return "";
        default:
          return inspect(value);
      }
    } catch {
      return "[unformattable value]";
    }
  }

  return { inspect, format };
}
