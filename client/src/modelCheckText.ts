/** The message of "tokscope: Check Model Connection", from what the server found (pure, for tests). */
import type { FimCheckResult } from '../../server/src/protocol';

export function modelCheckMessage(result: FimCheckResult): string {
  const found = result.servers.length === 0 ? `no local model server answered (probed ${result.probed.join(', ')})` : serversText(result);
  const a = result.active;
  if (!a) return found;
  const using = a.backend
    ? `completions use ${a.backend}${a.model ? ` (${a.model}${a.format ? `, ${a.format} format` : ''})` : ''}: ${a.tokenPath ? 'token-id prompts, de-biasing as set in tokscope.fim.debias' : (a.reason ?? 'plain FIM')}`
    : `completions cannot run: ${a.reason ?? 'unknown reason'}`;
  return `${using}${a.warning ? ` — warning: ${a.warning}` : ''}. Found: ${found}`;
}

function serversText(result: FimCheckResult): string {
  return result.servers
    .map((s) => {
      const what = [s.model, s.fimFormat && `FIM format ${s.fimFormat}`, s.contextLength && `context ${s.contextLength}`].filter(Boolean).join(', ');
      const mode = s.exact ? 'exact de-biasing possible' : 'no token-id prompts: plain FIM only, not de-biased';
      return `${s.kind} at ${s.baseUrl}${what ? ` (${what})` : ''}: ${s.error ? `answered, but ${s.error}` : mode}`;
    })
    .join('; ');
}
