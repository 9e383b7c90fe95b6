import { codermNtCodec } from "./coderm-nt-protocol.js";
import type { ProtocolCodec, ServedRewardProtocol } from "./protocol-codec.js";
import { sglangClassifyCodec, sglangEmbeddingsCodec } from "./sglang-protocols.js";
import { teiCodec } from "./tei-protocol.js";
import { vllmClassifyCodec, vllmPoolingCodec } from "./vllm-protocols.js";

/** The codec of every protocol. */
export const protocolCodecs: Readonly<Record<ServedRewardProtocol, ProtocolCodec>> = {
  "coderm-nt": codermNtCodec,
  "vllm-classify": vllmClassifyCodec,
  "vllm-pooling": vllmPoolingCodec,
  "sglang-classify": sglangClassifyCodec,
  "sglang-embeddings": sglangEmbeddingsCodec,
  tei: teiCodec,
};
