export { isLoopback } from "./auth.js";
export { createRewardServer, type RewardServer } from "./server.js";
export { type RewardServerSettings, type ServiceToken, serverDefaults } from "./settings.js";
export { readTokens } from "./tokens.js";
