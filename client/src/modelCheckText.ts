/** The message of "tokscope: Check Model Connection", from what the server found (pure, for tests). */
import type { FimCheckResult } from '../../server/src/protocol';

export function modelCheckMessage(result: FimCheckResult): string {
  if (result.servers.length === 0) return `no local model server answered (probed ${result.probed.join(', ')})`;
  return result.servers
    .map((s) => {
      const what = [s.model, s.fimFormat && `FIM format ${s.fimFormat}`, s.contextLength && `context ${s.contextLength}`].filter(Boolean).join(', ');
      const mode = s.exact ? 'exact de-biasing possible' : 'no token-id prompts: token healing or plain FIM only';
      return `${s.kind} at ${s.baseUrl}${what ? ` (${what})` : ''}: ${s.error ? `answered, but ${s.error}` : mode}`;
    })
    .join('; ');
}
