export {
  createNetworkNamespace,
  type NetworkNamespace,
} from "./network-namespace.js";
export { startTestRedis, type TestRedis, type TestRedisOptions } from "./redis-server.js";
