/** `tokscope/fimCheck`: which local model servers answer on loopback, and what each says about its model. */
import type { CancellationToken } from 'vscode-languageserver';
import { DEFAULT_CANDIDATES, detectServers } from '../fim/backends/detect';
import type { FimCheckResult, FoundModelServer } from '../protocol';
import { registryOptions } from '../settings';
import type { ServerContext } from './common';
import { fimService } from './fimComplete';

/** The loopback servers found, and what completions would use with the current settings (resolved afresh). */
export async function fimCheck(ctx: ServerContext, token: CancellationToken): Promise<FimCheckResult> {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    const settings = await ctx.settings.get(undefined);
    ctx.lastRegistryOptions = registryOptions(settings, ctx.kl3mStorage);
    const svc = fimService(ctx);
    svc.configure(settings.fim);
    const activeP = svc.describe(controller.signal);
    const found = await detectServers({ signal: controller.signal, timeoutMs: 500 });
    const servers = await Promise.all(
      found.map(async ({ kind, baseUrl, backend }): Promise<FoundModelServer> => {
        const base: FoundModelServer = { kind, baseUrl, exact: backend.canScoreTokens };
        try {
          const info = await backend.info(controller.signal);
          return { ...base, model: info.model, fimFormat: info.fimFormat, contextLength: info.contextLength };
        } catch (e) {
          return { ...base, error: (e as Error).message };
        }
      }),
    );
    return { servers, probed: DEFAULT_CANDIDATES.map((c) => `http://127.0.0.1:${c.port} (${c.kind})`), active: await activeP };
  } finally {
    sub.dispose();
  }
}
