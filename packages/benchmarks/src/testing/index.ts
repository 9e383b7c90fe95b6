export {
  liveCodeBenchRecord,
  pythonPrivateTests,
  writeLiveCodeBenchFixture,
} from "./livecodebench-fixture.js";
