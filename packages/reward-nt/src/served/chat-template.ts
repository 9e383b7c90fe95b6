import { CodermError } from "@coderm/core";

/** Formats a (question, response) pair as the one text a reward model reads. */
export type ChatTemplate = (question: string, response: string) => string;

/** The chat templates known by name. */
export type ChatTemplateName = "qwen2.5";

/**
 * Qwen2.5's default system prompt, which its chat template inserts when the conversation has no
 * system turn (Qwen2.5 and Qwen2.5-Coder Instruct; Qwen2 used "You are a helpful assistant.").
 */
export const qwen25DefaultSystemPrompt =
  "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

/**
 * Qwen2.5's ChatML template applied to `[user, assistant]` without a generation prompt, as
 * `tokenizer.apply_chat_template(messages, tokenize=False)` writes it for CodeRM-NT (a
 * Qwen2.5-Coder-7B-Instruct base): the default system turn, the user turn, the assistant turn,
 * each closed by `<|im_end|>` and a newline.
 */
export function qwen25ChatTemplate(question: string, response: string): string {
  return (
    `<|im_start|>system\n${qwen25DefaultSystemPrompt}<|im_end|>\n` +
    `<|im_start|>user\n${question}<|im_end|>\n` +
    `<|im_start|>assistant\n${response}<|im_end|>\n`
  );
}

const templates: Record<ChatTemplateName, ChatTemplate> = { "qwen2.5": qwen25ChatTemplate };

/** A template given by name or as a function; an unknown name is an `invalid-input` error. */
export function resolveChatTemplate(template: ChatTemplateName | ChatTemplate): ChatTemplate {
  if (typeof template === "function") return template;
  const found = templates[template];
  if (found === undefined)
    throw new CodermError(
      "invalid-input",
      `unknown chat template "${String(template)}"; known: ${Object.keys(templates).join(", ")}, or pass a function`,
      { field: "chatTemplate" },
    );
  return found;
}
