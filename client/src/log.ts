import * as vscode from 'vscode';

/** The one output channel of the client side; the language server's own log goes to the LanguageClient's channel. */
export const log: vscode.LogOutputChannel = vscode.window.createOutputChannel('tokscope', { log: true });

/** One message for an error the user can act on, with a way to the details. */
export async function showError(message: string): Promise<void> {
  log.error(message);
  const choice = await vscode.window.showErrorMessage(`tokscope: ${message}`, 'Open Output');
  if (choice === 'Open Output') log.show();
}

/** One message for something that went wrong and was dealt with, with a way to the details. */
export async function showWarning(message: string): Promise<void> {
  log.warn(message);
  const choice = await vscode.window.showWarningMessage(`tokscope: ${message}`, 'Open Output');
  if (choice === 'Open Output') log.show();
}
