// Splits a list of messages so that each batch stays under a token budget: the kind of code tokscope is for.
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export function batchByBudget(messages: Message[], count: (text: string) => number, budget: number): Message[][] {
  const batches: Message[][] = [];
  let current: Message[] = [];
  let used = 0;
  for (const message of messages) {
    const cost = count(message.content) + 4; // a few tokens of chat framing per message
    if (used + cost > budget && current.length > 0) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(message);
    used += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
