export { defaultCacheDir } from "./cache-dir.js";
export {
  createJsonlWriter,
  describeFileKind,
  isGzipFile,
  type JsonlRecord,
  type JsonlWriter,
  type JsonlWriterOptions,
  openDecompressed,
  type ReadJsonlOptions,
  readJsonl,
  writeJsonl,
} from "./jsonl.js";
export { compilesInPython, type PythonRuntime, resolvePython, runPython } from "./python.js";
export {
  fileIdentity,
  inTransaction,
  isSqliteCorruption,
  openSqliteStore,
  type SqliteStoreLayout,
  setAsideSqliteFile,
} from "./sqlite-store.js";
